import { type CheckinControl, isUnsetAddress, type ServerAddress } from '@muster/protocol';
import { isOnline, type MachineStatus, machineStatus } from '../domain/machine-status';
import type { MachineRecord } from '../store/machine-record';

/** A short summary of the latest audit, for lists. */
export interface AuditSummary {
  hostName: string;
  os: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  hardwareId: string;
  auditedAt: string | null;
}

/**
 * Check-in control as the API shows it. `primary` is null while the account waits for its first
 * agent (an account made by an install token with a fixed name): the agent's own `--server`
 * becomes the primary when it enrolls, so there is nothing true to show before.
 */
export type CheckinControlView = Omit<CheckinControl, 'primary'> & { primary: ServerAddress | null };

/** The check-in control settings, by name, as a machine's pending list names them. */
export const CHECKIN_SETTINGS = [
  'primary',
  'secondary',
  'periodSeconds',
  'bindToServer',
  'bandwidthKBps',
] as const;

/** One check-in control setting. */
export type CheckinSetting = (typeof CHECKIN_SETTINGS)[number];

/** A machine as the API shows it. */
export interface MachineView {
  id: string;
  guid: string;
  name: string;
  group: string;
  organization: string;
  status: MachineStatus;
  online: boolean;
  temporary: boolean;
  bound: boolean;
  suspended: boolean;
  remoteControlEnabled: boolean;
  lastCheckinAt: string | null;
  firstCheckinAt: string | null;
  /** The settings set on the server (what the agent is to use). */
  checkinControl: CheckinControlView;
  /** The settings the agent last confirmed; null when it never confirmed any. */
  appliedCheckinControl: CheckinControlView | null;
  /** The settings set on the server that the agent has not confirmed yet (PENDING). */
  pendingSettings: CheckinSetting[];
  settingsApplied: boolean;
  loggedOnUser: string | null;
  userIdleSeconds: number;
  localAddresses: string[];
  connectedFrom: string | null;
  agentVersion: string | null;
  audit: AuditSummary | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const controlView = (c: CheckinControl): CheckinControlView =>
  isUnsetAddress(c.primary) ? { ...c, primary: null } : c;

const sameAddress = (a: ServerAddress | null, b: ServerAddress | null) =>
  a === null || b === null ? a === b : a.host === b.host && a.port === b.port;

/**
 * The settings the agent has yet to confirm: none once it acknowledged the newest revision;
 * else those that differ from what it confirmed last, or all when it never confirmed any.
 */
function pendingSettings(m: MachineRecord): CheckinSetting[] {
  if (m.appliedRevision >= m.settingsRevision) return [];
  const applied = m.appliedCheckinControl;
  if (applied === null) return [...CHECKIN_SETTINGS];
  const desired = m.checkinControl;
  return CHECKIN_SETTINGS.filter((name) =>
    name === 'primary' || name === 'secondary'
      ? !sameAddress(desired[name], applied[name])
      : desired[name] !== applied[name],
  );
}

/** Builds the API view of a machine at a given time. */
export function machineView(m: MachineRecord, now: number, hasLocalSession: boolean): MachineView {
  const online = hasLocalSession || isOnline(m.connected, m.lastSeenAt, m.checkinControl.periodSeconds, now);
  const status = machineStatus({
    suspended: m.suspended,
    firstCheckinAt: m.firstCheckinAt,
    online,
    audited: m.audit !== null,
    remoteControlEnabled: m.remoteControlEnabled,
    loggedOnUser: m.loggedOnUser,
    userIdleSeconds: m.userIdleSeconds,
  });
  return {
    id: m.id,
    guid: m.guid,
    name: m.name,
    group: m.groupId,
    organization: m.orgId,
    status,
    online,
    temporary: m.temporary,
    bound: m.checkinControl.bindToServer,
    suspended: m.suspended,
    remoteControlEnabled: m.remoteControlEnabled,
    lastCheckinAt: iso(m.lastSeenAt),
    firstCheckinAt: iso(m.firstCheckinAt),
    checkinControl: controlView(m.checkinControl),
    appliedCheckinControl:
      m.appliedRevision >= m.settingsRevision
        ? controlView(m.checkinControl)
        : m.appliedCheckinControl && controlView(m.appliedCheckinControl),
    pendingSettings: pendingSettings(m),
    settingsApplied: m.appliedRevision >= m.settingsRevision,
    loggedOnUser: online ? m.loggedOnUser : null,
    userIdleSeconds: m.userIdleSeconds,
    localAddresses: m.localAddresses,
    connectedFrom: m.remoteAddress,
    agentVersion: m.agentVersion,
    audit: m.audit
      ? {
          hostName: m.audit.hostName,
          os: `${m.audit.os.platform} ${m.audit.os.release}`.trim(),
          cpu: m.audit.cpu.model,
          cores: m.audit.cpu.cores,
          memoryBytes: m.audit.memoryBytes,
          hardwareId: m.audit.hardwareId,
          auditedAt: iso(m.auditedAt),
        }
      : null,
  };
}
