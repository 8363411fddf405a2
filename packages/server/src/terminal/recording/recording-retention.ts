import type { TerminalSessionStore } from '../../store/terminal-record';

/** Timings of the recording retention. */
export interface RecordingRetentionSettings {
  /** Sessions (and their recordings) ended longer ago than this are deleted. */
  retentionMs: number;
  /** How often it looks. */
  intervalMs: number;
  /** Sessions deleted per transaction: each takes every chunk of its recordings with it. */
  batchSize: number;
  /** Transactions per pass at most; the rest waits for the next pass. Default 20. */
  maxBatches?: number;
}

/**
 * Deletes terminal sessions ended longer ago than the retention time, with their recordings,
 * as periodic background work (like QueueMaintenance). Small transactions, a few per pass, so
 * a backlog (the first run after a long stop) never holds up writers; every node may run it,
 * since deleting what another node deleted first deletes nothing.
 */
export class TerminalRecordingRetention {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly store: Pick<TerminalSessionStore, 'purgeEndedBefore'>,
    private readonly settings: RecordingRetentionSettings,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.settings.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; returns how many sessions it deleted (0 while the previous pass still runs, or on an error it reports). */
  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let deleted = 0;
    try {
      const cutoff = this.clock() - this.settings.retentionMs;
      for (let i = 0; i < (this.settings.maxBatches ?? 20); i++) {
        const n = await this.store.purgeEndedBefore(cutoff, this.settings.batchSize);
        deleted += n;
        if (n < this.settings.batchSize) break;
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
    }
    return deleted;
  }
}
