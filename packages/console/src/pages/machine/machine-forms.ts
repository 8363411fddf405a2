import type { CheckinSettings, MachineDetail, ServerAddress } from './machine-api';

/*
 * The Machine page's forms as pure functions: what is typed becomes what the API takes, or an
 * Error that names the field, before anything is sent.
 */

const address = (a: ServerAddress | null) => (a ? `${a.host}:${a.port}` : '');

/** The form's fields, as typed. */
export interface Draft {
  primaryHost: string;
  primaryPort: string;
  secondaryHost: string;
  secondaryPort: string;
  period: string;
  bind: boolean;
  bandwidth: string;
}

/** The form's fields filled with the machine's settings. */
export const draftOf = (s: CheckinSettings): Draft => ({
  primaryHost: s.primary?.host ?? '',
  primaryPort: s.primary ? String(s.primary.port) : '',
  secondaryHost: s.secondary?.host ?? '',
  secondaryPort: s.secondary ? String(s.secondary.port) : '',
  period: String(s.periodSeconds),
  bind: s.bindToServer,
  bandwidth: String(s.bandwidthKBps),
});

/** A whole number within limits, or an error naming the field. */
function whole(text: string, field: string, min: number, max: number): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new Error(`${field} must be a whole number from ${min} to ${max}`);
  return n;
}

/** Some settings, as PUT /checkin-control takes them (a primary cannot be unset). */
export type SettingsChange = Partial<Omit<CheckinSettings, 'primary'>> & { primary?: ServerAddress };

/** The settings that differ from the machine's; an Error names a field that is not acceptable. */
export function changedSettings(draft: Draft, current: CheckinSettings): SettingsChange {
  const changes: SettingsChange = {};
  const primaryHost = draft.primaryHost.trim();
  if (primaryHost !== '' || draft.primaryPort.trim() !== '') {
    const primary = { host: primaryHost, port: whole(draft.primaryPort, 'Primary port', 1, 65535) };
    if (primary.host === '') throw new Error('Primary KServer needs a host');
    if (address(primary) !== address(current.primary)) changes.primary = primary;
  }
  const secondaryHost = draft.secondaryHost.trim();
  const secondary =
    secondaryHost === ''
      ? null
      : { host: secondaryHost, port: whole(draft.secondaryPort, 'Secondary port', 1, 65535) };
  if (address(secondary) !== address(current.secondary)) changes.secondary = secondary;
  const period = whole(draft.period, 'Check-In Period', 1, 86400);
  if (period !== current.periodSeconds) changes.periodSeconds = period;
  if (draft.bind !== current.bindToServer) changes.bindToServer = draft.bind;
  const bandwidth = whole(draft.bandwidth, 'Bandwidth Throttle', 0, 10_000_000);
  if (bandwidth !== current.bandwidthKBps) changes.bandwidthKBps = bandwidth;
  return changes;
}

/** The largest script the agent takes (64 KiB, README "Agent command types"). */
const MAX_SCRIPT_BYTES = 64 * 1024;

/** The params of a shell command from the form's fields; an Error names a bad field. */
export function shellParams(script: string, interpreter: string, timeout: string): Record<string, unknown> {
  if (script.trim() === '') throw new Error('Write a script to run');
  if (new TextEncoder().encode(script).length > MAX_SCRIPT_BYTES)
    throw new Error(`A script has at most ${MAX_SCRIPT_BYTES / 1024} KiB`);
  const params: Record<string, unknown> = { script };
  if (interpreter.trim() !== '') params.interpreter = interpreter.trim();
  if (timeout.trim() !== '') {
    const seconds = Number(timeout.trim());
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86400)
      throw new Error('The timeout is a whole number of seconds from 1 to 86400');
    params.timeoutSeconds = seconds;
  }
  return params;
}

/** Where a put file goes: a path ending in "/" is a directory, and the file keeps its name there. */
export function destinationPath(path: string, fileName: string): string {
  const trimmed = path.trim();
  return trimmed.endsWith('/') ? `${trimmed}${fileName}` : trimmed;
}

/** Whether a path is absolute on the agent (POSIX, or a Windows drive). */
export const isAbsolutePath = (path: string): boolean => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);

/**
 * Whether a setting waits for the agent: the server names the pending ones; a server that
 * does not yet only says whether all were confirmed, and then every one is shown pending.
 */
export function isPending(machine: MachineDetail, field: keyof CheckinSettings): boolean {
  if (machine.settingsApplied) return false;
  return machine.pendingSettings ? machine.pendingSettings.includes(field) : true;
}
