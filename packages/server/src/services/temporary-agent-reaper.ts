import { type Bus, chunkIds } from '../bus/bus';
import type { MachineWriter } from '../store/interfaces';

/**
 * Removes temporary agents (enrolled with a temporary install token) once they have been
 * offline longer than the configured time, as a periodic background job.
 */
export class TemporaryAgentReaper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly machines: MachineWriter,
    private readonly bus: Bus,
    private readonly offlineMs: number,
    private readonly intervalMs: number,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce().catch(this.onError), this.intervalMs);
    this.timer.unref();
  }

  /** Deletes the expired temporary machines now; returns their ids. */
  async runOnce(): Promise<string[]> {
    const removed = await this.machines.deleteOfflineTemporary(this.clock() - this.offlineMs);
    for (const chunk of chunkIds(removed))
      await this.bus.publish({ type: 'machines-removed', machineIds: chunk });
    return removed;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
