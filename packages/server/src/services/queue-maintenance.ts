import type { Bus } from '../bus/bus';
import type { CommandQueueStore } from '../store/interfaces';
import type { EventHub } from './event-hub';
import { offerAgain } from './offer-again';

/** Timings of the queue's background work. */
export interface QueueMaintenanceSettings {
  sweepIntervalMs: number;
  retentionMs: number;
  batchSize: number;
}

/**
 * The queue's background work: expired leases go back to pending (or fail after the last
 * attempt) so a stuck command never blocks its endpoint, commands past their time to live
 * expire, and finished commands past the retention age are deleted in small batches.
 */
export class QueueMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly store: CommandQueueStore,
    private readonly events: EventHub,
    private readonly bus: Bus,
    private readonly settings: QueueMaintenanceSettings,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass of every job; skipped while the previous pass still runs. */
  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.clock();
      const leases = await this.store.expireLeases(now, this.settings.batchSize);
      await this.events.commandChanges(leases);
      await offerAgain(this.bus, leases);
      await this.events.commandChanges(await this.store.expireTtl(now, this.settings.batchSize));
      // Several small transactions rather than one long one: writers are never held up long.
      for (let i = 0; i < 20; i++) {
        if (
          (await this.store.deleteFinishedBefore(now - this.settings.retentionMs, this.settings.batchSize)) <
          this.settings.batchSize
        )
          break;
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
    }
  }
}
