import type { PassSummary, Verification } from '@muster/protocol';
import type { ScopeFilter } from '../access/scope';

/** What an offsite server's agent last reported. */
export interface OffsiteReport {
  running: boolean;
  error: string | null;
  freeBytes: number | null;
  /** Local servers connected right now. */
  sessions: number;
  lastVerification: Verification | null;
}

/** What a local server's agent last reported. */
export interface LocalReport {
  running: boolean;
  state: string;
  /** The spec's active/inactive: the offsite server was reached recently. */
  active: boolean;
  error: string | null;
  lastContactAt: number | null;
  lastTransferAt: number | null;
  bytesRemaining: number;
  rateBytesPerSecond: number;
  etaSeconds: number | null;
  nextRunAt: number | null;
  lastPass: PassSummary | null;
}

/** An agent in the offsite-server role. */
export interface OffsiteServerRecord {
  id: string;
  machineId: string;
  host: string;
  port: number;
  directory: string;
  syntheticFull: boolean;
  report: OffsiteReport | null;
  reportedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** An agent in the local-server role. */
export interface LocalServerRecord {
  id: string;
  machineId: string;
  directory: string;
  offsiteServerId: string;
  schedule: string;
  bandwidthKBps: number;
  report: LocalReport | null;
  reportedAt: number | null;
  inactiveSince: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The editable fields of an offsite server. */
export type OffsiteServerFields = Pick<
  OffsiteServerRecord,
  'machineId' | 'host' | 'port' | 'directory' | 'syntheticFull'
>;
/** The editable fields of a local server. */
export type LocalServerFields = Pick<
  LocalServerRecord,
  'machineId' | 'directory' | 'offsiteServerId' | 'schedule' | 'bandwidthKBps'
>;

/** Replication roles and their last reported status. */
export interface ReplicationStore {
  /** Creates an offsite server; false if its machine already has one on that port. */
  createOffsite(id: string, fields: OffsiteServerFields, now: number): Promise<boolean>;
  /** Replaces the fields; false if unknown or the port clashes. */
  updateOffsite(id: string, fields: OffsiteServerFields, now: number): Promise<boolean>;
  /** An offsite server, when it exists and its machine is in scope (omitted: everything). */
  getOffsite(id: string, scope?: ScopeFilter): Promise<OffsiteServerRecord | null>;
  /** Offsite servers whose machine is in scope. */
  listOffsite(scope?: ScopeFilter): Promise<OffsiteServerRecord[]>;
  /** Deletes an offsite server that no local server uses: 'deleted', 'in-use' or 'not-found'. */
  deleteOffsite(id: string): Promise<'deleted' | 'in-use' | 'not-found'>;
  reportOffsite(id: string, machineId: string, report: OffsiteReport, now: number): Promise<boolean>;

  createLocal(id: string, fields: LocalServerFields, now: number): Promise<void>;
  updateLocal(id: string, fields: LocalServerFields, now: number): Promise<boolean>;
  /** A local server, when it exists and its machine is in scope (omitted: everything). */
  getLocal(id: string, scope?: ScopeFilter): Promise<LocalServerRecord | null>;
  /** Every local server (whose machine is in scope), or those of one offsite server. */
  listLocal(offsiteServerId?: string, scope?: ScopeFilter): Promise<LocalServerRecord[]>;
  deleteLocal(id: string): Promise<boolean>;
  reportLocal(id: string, machineId: string, report: LocalReport, now: number): Promise<boolean>;
  /** Sets or clears when a local server was first seen inactive. */
  markInactiveSince(id: string, since: number | null): Promise<void>;
}
