/**
 * Runs one async task at a time and folds calls that arrive meanwhile into a single follow-up
 * run. Made for check-ins: a wake during a check-in may be for a command queued after the
 * server answered, so one more round is needed, but ten wakes still need only one.
 */
export class CoalescingRunner<T> {
  private current: Promise<T> | null = null;
  private queued: Promise<T> | null = null;

  /** Wraps the task; it is never run concurrently with itself. */
  constructor(private readonly task: () => Promise<T>) {}

  /** Starts the task now, or shares the one follow-up run queued behind the current one. */
  run(): Promise<T> {
    if (this.queued) return this.queued;
    if (!this.current) return this.track(this.task());
    const ignore = () => undefined;
    const after = this.current.then(ignore, ignore).then(() => {
      this.queued = null;
      return this.track(this.task());
    });
    this.queued = after;
    return after;
  }

  /** Settles when the running and queued runs have, whatever their outcome. */
  async idle(): Promise<void> {
    await Promise.allSettled([this.current, this.queued].filter((p) => p !== null));
  }

  private track(run: Promise<T>): Promise<T> {
    this.current = run;
    const settle = () => {
      if (this.current === run) this.current = null;
    };
    run.then(settle, settle);
    return run;
  }
}
