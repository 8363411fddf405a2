import { randomBytes } from 'node:crypto';
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
   * random for each run of the process, so a node that restarts is a new holder and no other
   * node shares it.
   */
  readonly recordedBy: string;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly recorder: CheckinRecorder,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    recordedBy: string = randomBytes(9).toString('base64url'),
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

  /** Writes what is pending now; concurrent calls share one write. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.size === 0 && this.connections.size === 0) return Promise.resolve();
    const batch = [...this.pending.values()];
    const connections = [...this.connections.values()];
    this.pending = new Map();
    this.connections = new Map();
    // Connections first: a check-in of the same batch then finds the machine connected.
    this.flushing = this.recorder
      .recordConnections(connections)
      .catch((error) => {
        for (const u of connections)
          if (!this.connections.has(u.machineId)) this.connections.set(u.machineId, u);
        throw error;
      })
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

  /** Stops the timer and writes everything still pending. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
  }
}
