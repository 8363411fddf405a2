import type { CastEvent } from './asciicast';

/** Where a player is. */
export type PlayerState = 'paused' | 'playing' | 'finished';

/** What a player drives: the screen the events go to, and whoever shows its state. */
export interface PlayerOutput {
  /** One event, at its time (output is written; a resize resizes). */
  event(event: CastEvent): void;
  /** The state or the position changed. */
  changed(state: PlayerState, seconds: number): void;
}

/** The timer a player waits with (the browser's; a test passes its own). */
export interface PlayerTimer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const BROWSER_TIMER: PlayerTimer = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Plays a recording's events with their timing: each event waits for the time between it and
 * the one before, divided by the speed. Pausing keeps the position; `toEnd` writes what is left
 * at once. Events due within a few milliseconds of each other go out together, so a burst of
 * output is not a burst of timers.
 */
export class CastPlayer {
  private next = 0;
  /** Seconds of the recording played so far. */
  private position = 0;
  private timer: unknown = null;
  /** When (performance.now) the wait for the next event began, and the position then. */
  private waitStarted = 0;
  private speedFactor = 1;
  private state: PlayerState = 'paused';

  constructor(
    private readonly events: readonly CastEvent[],
    private readonly output: PlayerOutput,
    private readonly timers: PlayerTimer = BROWSER_TIMER,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (events.length === 0) this.state = 'finished';
  }

  /** The length of the recording in seconds. */
  get duration(): number {
    return this.events.at(-1)?.time ?? 0;
  }

  get current(): { state: PlayerState; seconds: number; speed: number } {
    return { state: this.state, seconds: this.position, speed: this.speedFactor };
  }

  play(): void {
    if (this.state !== 'paused') return;
    this.state = 'playing';
    this.report();
    this.schedule();
  }

  pause(): void {
    if (this.state !== 'playing') return;
    this.cancel();
    // Keep the time already waited towards the next event.
    this.position += ((this.now() - this.waitStarted) / 1000) * this.speedFactor;
    const due = this.events[this.next]?.time ?? this.position;
    this.position = Math.min(this.position, due);
    this.state = 'paused';
    this.report();
  }

  /** Plays at `factor` times the recorded speed (from the next wait on). */
  speed(factor: number): void {
    if (!(factor > 0)) return;
    const playing = this.state === 'playing';
    if (playing) this.pause();
    this.speedFactor = factor;
    if (playing) this.play();
    else this.report();
  }

  /** Writes everything that is left at once and stops at the end. */
  toEnd(): void {
    this.cancel();
    while (this.next < this.events.length) this.emit(this.events[this.next++] as CastEvent);
    this.finish();
  }

  /** Stops for good (the player is closed). */
  stop(): void {
    this.cancel();
  }

  private schedule(): void {
    const event = this.events[this.next];
    if (!event) {
      this.finish();
      return;
    }
    const wait = Math.max(0, ((event.time - this.position) * 1000) / this.speedFactor);
    this.waitStarted = this.now();
    this.timer = this.timers.set(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = null;
    const first = this.events[this.next];
    if (!first) {
      this.finish();
      return;
    }
    // Everything due within 5 ms of this event (at this speed) goes out with it.
    const until = first.time + 0.005 * this.speedFactor;
    while (this.next < this.events.length && (this.events[this.next] as CastEvent).time <= until) {
      const event = this.events[this.next++] as CastEvent;
      this.position = event.time;
      this.emit(event);
    }
    this.report();
    this.schedule();
  }

  private emit(event: CastEvent): void {
    this.position = event.time;
    this.output.event(event);
  }

  private finish(): void {
    this.position = this.duration;
    this.state = 'finished';
    this.report();
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  private report(): void {
    this.output.changed(this.state, this.position);
  }
}
