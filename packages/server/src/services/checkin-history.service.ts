import type { ScopeFilter } from '../access/scope';
import type { ConnectionHistoryEntry, ConnectionHistoryStore } from '../store/checkin-history-record';
import { decodeCursor, encodeCursor } from './list-cursor';
import type { MachinesService } from './machines.service';

/** One connection of a machine as the API shows it (times ISO 8601). */
export interface ConnectionView {
  id: string;
  connectedAt: string;
  disconnectedAt: string | null;
  /** Seconds from connect to disconnect; null while the connection lasts. */
  durationSeconds: number | null;
  remoteAddress: string;
  nodeId: string;
  endReason: string | null;
  checkins: number | null;
  lastCheckinAt: string | null;
}

/** A page of a machine's connections, newest first. */
export interface ConnectionHistoryAnswer {
  items: ConnectionView[];
  next: string | null;
  total: number;
}

/** The only order of the history: newest connection first (the cursor names it). */
const SORT = 'connectedAt';
const DEFAULT_LIMIT = 50;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The view of one stored connection. */
export function connectionView(e: ConnectionHistoryEntry): ConnectionView {
  return {
    id: e.id,
    connectedAt: new Date(e.connectedAt).toISOString(),
    disconnectedAt: iso(e.disconnectedAt),
    durationSeconds:
      e.disconnectedAt === null ? null : Math.max(0, Math.round((e.disconnectedAt - e.connectedAt) / 1000)),
    remoteAddress: e.remoteAddress,
    nodeId: e.nodeId,
    endReason: e.reason,
    checkins: e.checkins,
    lastCheckinAt: iso(e.lastCheckinAt),
  };
}

/** Shows a machine's check-in (connection) history to those who may view the machine. */
export class CheckinHistoryService {
  constructor(
    private readonly history: Pick<ConnectionHistoryStore, 'listForMachine'>,
    private readonly machines: Pick<MachinesService, 'get'>,
  ) {}

  /**
   * A page of the connections of a machine in scope, newest first; a machine out of scope is
   * unknown (404), as everywhere.
   */
  async list(
    machineId: string,
    query: { limit?: number | undefined; after?: string | undefined },
    scope: ScopeFilter,
  ): Promise<ConnectionHistoryAnswer> {
    const machine = await this.machines.get(machineId, scope);
    const after =
      query.after === undefined
        ? undefined
        : decodeCursor<string>(query.after, SORT, 'desc', 'number', 'string');
    const page = await this.history.listForMachine(machine.id, {
      limit: query.limit ?? DEFAULT_LIMIT,
      after,
    });
    return {
      items: page.entries.map(connectionView),
      next: page.next === null ? null : encodeCursor(SORT, 'desc', page.next),
      total: page.total,
    };
  }
}
