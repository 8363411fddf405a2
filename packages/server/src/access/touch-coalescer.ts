/**
 * Collects "last used" times in memory and writes them in one batch per interval, so a busy
 * token does not cost a database write per request. Only the latest time per id is kept.
 */
export class TouchCoalescer {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (batch: ReadonlyMap<string, number>) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Notes a use; written at the next flush. */
  touch(id: string, at: number): void {
    const previous = this.pending.get(id);
    if (previous === undefined || previous < at) this.pending.set(id, at);
  }

  /** Starts flushing every interval. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is pending. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes what is pending now (one batch at a time). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.write(batch);
      } catch (error) {
        this.onError(error);
      }
    });
    return this.flushing;
  }
}
