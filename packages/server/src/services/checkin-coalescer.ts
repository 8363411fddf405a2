import { randomBytes } from 'node:crypto';
import type { ConnectionEnd, ConnectionHistoryStore, ConnectionStart } from '../store/checkin-history-record';
import type { CheckinRecorder } from '../store/interfaces';
import type { CheckinUpdate, ConnectionUpdate } from '../store/machine-record';

/**
 * Coalesces check-ins: the latest state per machine waits in memory and all of them are
 * written together at most once per interval, in one transaction. At 100,000 agents this
 * turns thousands of writes a second into one batch a second.
 */
export class CheckinCoalescer {
  private pending = new Map<string, CheckinUpdate>();
  private connections = new Map<string, ConnectionUpdate>();
  /**
   * Who this node is when it writes a session's start or end (ConnectionUpdate.recordedBy):
   * the server passes its node id, the same across restarts (see node-id.ts), so a node that
   * starts again can clear the flags its killed run left (releaseConnections); random when
   * none is given, as in tests. No two running nodes share one.
   */
  readonly recordedBy: string;
  /** Connections begun since the last write, by session id (an end that follows rides along). */
  private historyStarts = new Map<string, ConnectionStart & { end?: ConnectionEnd }>();
  /** Ends of connections whose start was written before. */
  private historyEnds = new Map<string, ConnectionEnd>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly recorder: Pick<CheckinRecorder, 'recordCheckins' | 'recordConnections'>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    recordedBy: string = randomBytes(9).toString('base64url'),
    /** Where each connection's history is written, and how many entries a machine keeps. */
    private readonly history: {
      store: Pick<ConnectionHistoryStore, 'record'>;
      keepPerMachine: number;
    } | null = null,
  ) {
    this.recordedBy = recordedBy;
  }

  /** Starts the periodic flush. */
  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Records a check-in; the newest one per machine wins. */
  record(update: CheckinUpdate): void {
    this.pending.set(update.machineId, update);
  }

  /**
   * Records that an agent session began or ended. Written with the next batch, so ten
   * thousand agents reconnecting after a restart cost a few transactions, not ten thousand.
   */
  connection(session: Omit<ConnectionUpdate, 'recordedBy'>): void {
    const update: ConnectionUpdate = { ...session, recordedBy: this.recordedBy };
    const earlier = this.connections.get(update.machineId);
    // A session that starts and ends between two writes (an agent that connects, then fails or
    // is stopped within the interval) still checked in: its end carries the start's facts.
    const start = earlier?.connected ? earlier.at : earlier?.connectedAt;
    if (earlier && !update.connected && start !== undefined) {
      this.connections.set(update.machineId, {
        ...update,
        connectedAt: start,
        remoteAddress: update.remoteAddress ?? earlier.remoteAddress,
        hardwareId: update.hardwareId ?? earlier.hardwareId,
      });
      return;
    }
    this.connections.set(update.machineId, update);
  }

  /**
   * Records that a connection began, for the history: written with the next batch, never one
   * write per connection.
   */
  connectionBegan(start: Omit<ConnectionStart, 'nodeId'>): void {
    if (!this.history) return;
    this.historyStarts.set(start.id, { ...start, nodeId: this.recordedBy });
  }

  /**
   * Records how a connection ended and the check-ins its session counted in memory: the
   * history's only write for all the check-ins of the connection.
   */
  connectionEnded(end: ConnectionEnd): void {
    if (!this.history) return;
    const start = this.historyStarts.get(end.id);
    if (start) start.end = end;
    else this.historyEnds.set(end.id, end);
  }

  /** Writes what is pending now; concurrent calls share one write. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (
      this.pending.size === 0 &&
      this.connections.size === 0 &&
      this.historyStarts.size === 0 &&
      this.historyEnds.size === 0
    )
      return Promise.resolve();
    const batch = [...this.pending.values()];
    const connections = [...this.connections.values()];
    const starts = this.historyStarts;
    const ends = this.historyEnds;
    this.pending = new Map();
    this.connections = new Map();
    this.historyStarts = new Map();
    this.historyEnds = new Map();
    // Connections first: a check-in of the same batch then finds the machine connected.
    this.flushing = this.recorder
      .recordConnections(connections)
      .catch((error) => {
        for (const u of connections)
          if (!this.connections.has(u.machineId)) this.connections.set(u.machineId, u);
        this.requeueHistory(starts, ends);
        throw error;
      })
      .then(() => this.recordHistory(starts, ends))
      .then(() => this.recorder.recordCheckins(batch))
      .catch((error) => {
        // Keep the newer state if one arrived meanwhile; otherwise retry this one next time.
        for (const u of batch) if (!this.pending.has(u.machineId)) this.pending.set(u.machineId, u);
        this.onError(error);
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** Writes a batch of the history; on failure it is retried with the next batch. */
  private async recordHistory(
    starts: Map<string, ConnectionStart & { end?: ConnectionEnd }>,
    ends: Map<string, ConnectionEnd>,
  ): Promise<void> {
    if (!this.history || (starts.size === 0 && ends.size === 0)) return;
    try {
      await this.history.store.record(
        { starts: [...starts.values()], ends: [...ends.values()] },
        this.history.keepPerMachine,
      );
    } catch (error) {
      this.requeueHistory(starts, ends);
      throw error;
    }
  }

  /** Puts back a batch of the history that was not written, for the next flush. */
  private requeueHistory(
    starts: Map<string, ConnectionStart & { end?: ConnectionEnd }>,
    ends: Map<string, ConnectionEnd>,
  ): void {
    for (const [id, start] of starts) {
      // An end that arrived meanwhile belongs to this start.
      const later = this.historyEnds.get(id);
      if (later) {
        start.end = later;
        this.historyEnds.delete(id);
      }
      this.historyStarts.set(id, start);
    }
    for (const [id, end] of ends) if (!this.historyEnds.has(id)) this.historyEnds.set(id, end);
  }

  /** Stops the timer and writes everything still pending. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
  }
}
