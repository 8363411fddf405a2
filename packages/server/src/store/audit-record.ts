import type { ScopeFilter } from '../access/scope';

/** What an audited request or sign-in acted on, as the request named it. */
export interface AuditTargets {
  machines?: string[];
  devices?: string[];
  groups?: string[];
  /** A Machine.Group ID filter, for bulk requests by filter. */
  filter?: string;
  /** Other path parameters by name (a command id, a webhook id, a user name). */
  ids?: Record<string, string>;
  /**
   * A bulk request naming more machines (or devices) than an entry lists is summarized: how many
   * it named, with their groups in `groups` and no ids (see summarizeTargets).
   */
  machineCount?: number;
  deviceCount?: number;
}

/**
 * A group (and machine) an entry touches. An entry is visible to a caller whose scope holds
 * every one of its keys; an entry without keys only to a caller who sees everything.
 * `groupId` '' stands for "any group" (a filter such as `*`).
 */
export interface AuditScopeKey {
  groupId: string;
  machineId: string | null;
}

/** An entry to append; the store gives it its seq and links it to the chain. */
export interface NewAuditEntry {
  at: number;
  userId: string | null;
  userName: string | null;
  credentialKind: string | null;
  credentialId: string | null;
  address: string | null;
  /** The operation: an operationId, `METHOD /route/pattern`, or `session.sign-in`. */
  action: string;
  targets: AuditTargets;
  /** Settings before and after, or other facts of the action; null when there are none. */
  details: Record<string, unknown> | null;
  /** HTTP status of the answer (null for what was not an HTTP request). */
  status: number | null;
  /** `ok`, or the error code of the answer. */
  result: string;
  scopeKeys: readonly AuditScopeKey[];
}

/** A stored entry. Targets and details are kept as the JSON text that was hashed. */
export interface AuditEntry {
  seq: number;
  at: number;
  userId: string | null;
  userName: string | null;
  credentialKind: string | null;
  credentialId: string | null;
  address: string | null;
  action: string;
  targetsJson: string;
  detailsJson: string | null;
  status: number | null;
  result: string;
  prevHash: string;
  hash: string;
}

/** The newest entry's position: seq 0 and the genesis hash for an empty log. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Which entries GET /audit lists. */
export interface AuditQuery {
  /** The caller's audit.view scope: only entries whose every target it holds. */
  scope: ScopeFilter;
  userName?: string;
  action?: string;
  /** Entries naming this machine among their targets. */
  machineId?: string;
  /** At or after (epoch ms). */
  from?: number;
  /** Before (epoch ms). */
  to?: number;
  /** Page cursor: entries with a smaller seq. */
  beforeSeq?: number;
  limit: number;
}
