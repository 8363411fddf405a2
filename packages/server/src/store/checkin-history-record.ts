/**
 * The connection (check-in) history of machines: one entry per agent connection, written
 * only when the connection begins and when it ends, in the coalescer's batches (issue 10,
 * page 4). A check-in writes nothing here: the session counts them in memory and the count is
 * written with the connection's end.
 */

import type { KeysetPosition } from './list-record';

/**
 * How a connection ended. The known reasons are listed for the console; the store keeps any
 * short text, so a new reason needs no migration.
 *
 * - `agent-closed`: the agent closed it (stopped, restarted, or its service went down cleanly)
 * - `connection-lost`: the connection broke without a close (network, killed process)
 * - `replaced`: a newer connection of the same agent took over
 * - `server-restart`: this server node stopped or restarted
 * - `machine-removed`: the machine was deleted
 * - `protocol-error`: the server ended it for a protocol violation or an internal error
 * - `node-lost`: the node holding it was killed; found when that node started again
 */
export type ConnectionEndReason =
  | 'agent-closed'
  | 'connection-lost'
  | 'replaced'
  | 'server-restart'
  | 'machine-removed'
  | 'protocol-error'
  | 'node-lost'
  | (string & {});

/** A connection as it began. */
export interface ConnectionStart {
  /** The agent session's id, unique across nodes and restarts (AgentSession.holder). */
  id: string;
  machineId: string;
  connectedAt: number;
  remoteAddress: string;
  /** The server node that held the connection. */
  nodeId: string;
}

/** A connection as it ended: the check-ins counted in memory while it lasted. */
export interface ConnectionEnd {
  id: string;
  disconnectedAt: number;
  reason: ConnectionEndReason;
  checkins: number;
  lastCheckinAt: number | null;
}

/**
 * What one coalesced flush writes: connections begun since the last one (possibly ended too,
 * when both fall between two flushes) and ends of connections begun earlier.
 */
export interface ConnectionHistoryBatch {
  starts: readonly (ConnectionStart & { end?: ConnectionEnd | undefined })[];
  ends: readonly ConnectionEnd[];
}

/** One stored connection; `disconnectedAt` and `reason` are null while it lasts. */
export interface ConnectionHistoryEntry extends ConnectionStart {
  disconnectedAt: number | null;
  reason: ConnectionEndReason | null;
  /** Check-ins in this connection; null while it lasts (counted in memory, written at its end). */
  checkins: number | null;
  lastCheckinAt: number | null;
}

/** A page of one machine's connections, newest first. */
export interface ConnectionHistoryPage {
  entries: ConnectionHistoryEntry[];
  /** Where the next page starts (connectedAt and id of this page's last entry); null after the last. */
  next: KeysetPosition | null;
  total: number;
}

/** Stores the connection history of machines. */
export interface ConnectionHistoryStore {
  /**
   * Writes one flush's starts and ends in one transaction, a statement per kind and chunk,
   * then keeps the newest `keepPerMachine` entries of each machine that began a connection.
   * Starts of machines that do not exist (deleted meanwhile) are skipped.
   */
  record(batch: ConnectionHistoryBatch, keepPerMachine: number): Promise<void>;
  /**
   * Ends, as `node-lost` at `at`, the connections the node `nodeId` left open: a node calls it
   * as it starts, like CheckinRecorder.releaseConnections. Returns how many.
   */
  closeLeftOpen(nodeId: string, at: number): Promise<number>;
  /** A page of one machine's connections, newest first (by connectedAt, then id). */
  listForMachine(
    machineId: string,
    page: { limit: number; after?: KeysetPosition | undefined },
  ): Promise<ConnectionHistoryPage>;
}
