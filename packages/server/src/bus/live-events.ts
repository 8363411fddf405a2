import type { MachineStatus } from '../domain/machine-status';
import type { localView } from '../replication/replication-view';
import type { MachineView } from '../services/machine-view';

/**
 * What happened to a machine, as its `machine` event says: a session began or ended, an
 * administrator suspended, resumed or deleted it, or the agent sent something that changes
 * its row (a check-in with another logged-on user or agent version, an audit, settings it
 * applied).
 */
export const MACHINE_CHANGES = [
  'connected',
  'disconnected',
  'suspended',
  'resumed',
  'removed',
  'checked-in',
  'audited',
  'settings-applied',
] as const;

/** One kind of machine change. */
export type MachineChange = (typeof MACHINE_CHANGES)[number];

/**
 * The fields of a machine's row a `machine` event carries: the same names and meanings as the
 * items of GET /machines, so the console merges them into the row it shows. The larger fields
 * (audit summary, addresses, check-in control) are left out: they change with a page reload or
 * GET /machines/{id}, and leaving them out keeps 100,000 reconnecting agents' events small.
 */
export type MachineRow = Pick<
  MachineView,
  | 'status'
  | 'online'
  | 'temporary'
  | 'bound'
  | 'suspended'
  | 'remoteControlEnabled'
  | 'loggedOnUser'
  | 'userIdleSeconds'
  | 'lastCheckinAt'
  | 'firstCheckinAt'
  | 'settingsApplied'
  | 'pendingSettings'
  | 'connectedFrom'
  | 'agentVersion'
>;

/** The stream event of a machine whose check-in status or row changed. */
export interface MachineEvent {
  type: 'machine';
  machineId: string;
  change: MachineChange;
  /** The check-in status now; `deleted` once the account is gone. */
  status: MachineStatus | 'deleted';
  /** When it happened (ISO 8601). */
  at: string;
  /** The row's fields now; null once the account is gone. */
  machine: MachineRow | null;
}

/** A local server as GET /local-servers lists it. */
export type LocalServerView = ReturnType<typeof localView>;

/**
 * The fields of a local server's list item a `replication` event carries: those a report or
 * the watch changes, under the same names as GET /local-servers. Its settings (directory,
 * schedule) are left out: they change through the API, and a 4,096-character directory would
 * not fit a PostgreSQL NOTIFY.
 */
export type LocalServerProgress = Pick<
  LocalServerView,
  | 'status'
  | 'state'
  | 'lastContactAt'
  | 'lastTransferAt'
  | 'bytesRemaining'
  | 'rateBytesPerSecond'
  | 'etaSeconds'
  | 'nextRunAt'
  | 'lastPass'
  | 'error'
  | 'reportedAt'
>;

/**
 * The stream event of a local server whose replication progressed: a report of its agent
 * (bytes still to send, rate, a pass finished or failed), or the watch finding it active or
 * inactive.
 */
export interface ReplicationEvent {
  type: 'replication';
  localServerId: string;
  /** The machine whose agent runs the local server: the event's scope. */
  machineId: string;
  /** When the server learned it (ISO 8601). */
  at: string;
  localServer: LocalServerProgress;
}

/** Builds a machine's row fields from its API view. */
export function machineRow(view: MachineView): MachineRow {
  return {
    status: view.status,
    online: view.online,
    temporary: view.temporary,
    bound: view.bound,
    suspended: view.suspended,
    remoteControlEnabled: view.remoteControlEnabled,
    loggedOnUser: view.loggedOnUser,
    userIdleSeconds: view.userIdleSeconds,
    lastCheckinAt: view.lastCheckinAt,
    firstCheckinAt: view.firstCheckinAt,
    settingsApplied: view.settingsApplied,
    pendingSettings: view.pendingSettings,
    connectedFrom: view.connectedFrom,
    agentVersion: view.agentVersion,
  };
}
