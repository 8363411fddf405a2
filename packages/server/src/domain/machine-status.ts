/**
 * Every check-in status, in precedence order: the first that applies is the machine's status
 * (the spec's check-in status icons).
 */
export const MACHINE_STATUSES = [
  'suspended',
  'never-checked-in',
  'offline',
  'online-awaiting-audit',
  'remote-control-disabled',
  'user-idle',
  'user-logged-on',
  'online',
] as const;

/** One check-in status. */
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

/** A user inactive this long counts as idle (the spec's 10 minutes). */
export const USER_IDLE_THRESHOLD_SECONDS = 600;

/** What the status is derived from. */
export interface StatusInputs {
  suspended: boolean;
  firstCheckinAt: number | null;
  online: boolean;
  audited: boolean;
  remoteControlEnabled: boolean;
  loggedOnUser: string | null;
  userIdleSeconds: number;
}

/** Derives the one status of a machine. Pure, so the precedence is tested in isolation. */
export function machineStatus(m: StatusInputs): MachineStatus {
  if (m.suspended) return 'suspended';
  if (m.firstCheckinAt === null) return 'never-checked-in';
  if (!m.online) return 'offline';
  if (!m.audited) return 'online-awaiting-audit';
  if (!m.remoteControlEnabled) return 'remote-control-disabled';
  if (m.loggedOnUser && m.userIdleSeconds >= USER_IDLE_THRESHOLD_SECONDS) return 'user-idle';
  if (m.loggedOnUser) return 'user-logged-on';
  return 'online';
}

/**
 * Whether a connected agent still counts as online: it must have been seen within two
 * periods plus a grace, so a crashed server node's stale "connected" flag expires by itself.
 */
export function isOnline(
  connected: boolean,
  lastSeenAt: number | null,
  periodSeconds: number,
  now: number,
): boolean {
  if (!connected || lastSeenAt === null) return false;
  return now - lastSeenAt <= (2 * periodSeconds + 15) * 1000;
}
