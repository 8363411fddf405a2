import {
  type ReplicateOptions,
  type ReplicationProgress,
  type ReplicationSummary,
  replicate,
} from './replicate';
import { isReplicationError, ReplicationError } from './replication-error';

/** A long-running local server: passes on a schedule, retried with backoff when they break. */
export interface LocalServerOptions extends Omit<ReplicateOptions, 'signal' | 'onProgress'> {
  /** Time between the end of a pass and the next one (default 15 min). */
  intervalMs?: number;
  /** When given, decides the wait after a pass instead of intervalMs (e.g. until the next cron time). */
  nextPassDelayMs?: () => number;
  /** First retry delay ceiling after a broken pass (default 1 s); doubles per failure. */
  retryBaseMs?: number;
  /** Largest retry delay (default 5 min). */
  retryCapMs?: number;
  /** The offsite counts as active while the last contact is this recent (default interval + 5 min). */
  activeWindowMs?: number;
  /** Randomness for the jitter (tests pin it). */
  random?: () => number;
  /** Every progress report of every pass. */
  onProgress?: (progress: ReplicationProgress) => void;
  /** Each pass's outcome. */
  onPass?: (outcome: { summary?: ReplicationSummary; error?: ReplicationError }) => void;
}

/** What the console shows for a local server. */
export interface LocalServerStatus {
  state: 'idle' | 'transferring' | 'waiting-retry' | 'stopped';
  /** True while the offsite was reached recently (the spec's active/inactive). */
  active: boolean;
  lastContactAt: number | null;
  /** When the last pass completed (epoch ms). */
  lastTransferAt: number | null;
  lastSummary: ReplicationSummary | null;
  lastError: { code: string; message: string } | null;
  /** Consecutive broken passes. */
  failures: number;
  nextRunAt: number | null;
  /** Upper bound of bytes still to send in the current pass. */
  bytesRemaining: number;
  /** Recent send rate (bytes per second, smoothed). */
  rateBytesPerSecond: number;
  /** bytesRemaining / rate, or null when nothing is moving. */
  etaSeconds: number | null;
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Full-jitter delay: random in [0, min(cap, base * 2^attempt)), so many retries do not align. */
export function retryDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)));
}

/**
 * Keeps one local server replicated: runs a pass, waits the interval, runs again; a broken pass
 * (offsite unreachable, connection dropped, either side killed) is retried with capped
 * full-jitter backoff, and resumes where the offsite's partial files stop.
 */
export class LocalServer {
  private readonly current: LocalServerStatus = {
    state: 'idle',
    active: false,
    lastContactAt: null,
    lastTransferAt: null,
    lastSummary: null,
    lastError: null,
    failures: 0,
    nextRunAt: null,
    bytesRemaining: 0,
    rateBytesPerSecond: 0,
    etaSeconds: null,
  };
  private controller: AbortController | undefined;
  private wake: (() => void) | undefined;
  /** runNow was asked for while a pass ran. */
  private again = false;
  private running: Promise<void> | undefined;
  private stopped = true;
  private lastSample = { at: 0, bytes: 0 };

  constructor(private readonly options: LocalServerOptions) {}

  /** Starts the schedule (first pass at once). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Runs a pass now instead of waiting for the schedule. */
  runNow(): void {
    // During a pass, files may have changed after the scan: run once more right after it.
    if (this.wake) this.wake();
    else this.again = true;
  }

  /** Stops the schedule and aborts a pass in progress (the offsite keeps its partial files). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller?.abort();
    this.wake?.();
    await this.running;
    this.current.state = 'stopped';
  }

  /** A snapshot of the status. */
  status(): LocalServerStatus {
    const s = { ...this.current };
    const window = this.options.activeWindowMs ?? (this.options.intervalMs ?? 15 * 60_000) + 5 * 60_000;
    s.active = s.lastContactAt !== null && Date.now() - s.lastContactAt <= window;
    s.etaSeconds =
      s.rateBytesPerSecond > 0 && s.bytesRemaining > 0 ? s.bytesRemaining / s.rateBytesPerSecond : null;
    return s;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delay = 0;
      this.controller = new AbortController();
      this.current.state = 'transferring';
      this.lastSample = { at: performance.now(), bytes: 0 };
      try {
        const summary = await replicate({
          ...this.options,
          signal: this.controller.signal,
          onProgress: (p) => this.progress(p),
        });
        this.current.lastSummary = summary;
        this.current.lastTransferAt = Date.now();
        this.current.lastContactAt = Date.now();
        this.current.lastError = summary.errors[0]
          ? { code: summary.errors[0].code, message: summary.errors[0].message }
          : null;
        this.current.failures = 0;
        this.current.state = 'idle';
        delay = this.options.nextPassDelayMs?.() ?? this.options.intervalMs ?? 15 * 60_000;
        this.options.onPass?.({ summary });
      } catch (error) {
        if (this.stopped) break;
        const failure = isReplicationError(error) ? error : new ReplicationError('io-error', String(error));
        this.current.lastError = { code: failure.code, message: failure.message };
        this.current.failures += 1;
        this.current.state = 'waiting-retry';
        delay = retryDelay(
          this.current.failures,
          this.options.retryBaseMs ?? 1000,
          this.options.retryCapMs ?? 5 * 60_000,
          this.options.random ?? Math.random,
        );
        // Backoff never pushes a pass past its next scheduled time.
        const scheduled = this.options.nextPassDelayMs?.();
        if (scheduled !== undefined) delay = Math.min(delay, scheduled);
        this.options.onPass?.({ error: failure });
      }
      // stop() during the pass found no wait to cut short: do not start one.
      if (this.stopped) break;
      if (this.again) {
        this.again = false;
        delay = 0;
      }
      this.current.rateBytesPerSecond = 0;
      this.current.nextRunAt = Date.now() + delay;
      const due = this.current.nextRunAt;
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout;
        // setTimeout fires at once past 2^31-1 ms (about 24.8 days), and a yearly schedule is
        // further away than that: wait in steps until the time has come.
        const arm = () => {
          const left = due - Date.now();
          if (left <= 0) return resolve();
          timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
        };
        arm();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      this.current.nextRunAt = null;
    }
  }

  private progress(p: ReplicationProgress): void {
    if (p.phase !== 'connecting') this.current.lastContactAt = Date.now();
    this.current.bytesRemaining = p.bytesRemaining;
    const now = performance.now();
    const elapsed = (now - this.lastSample.at) / 1000;
    if (elapsed >= 0.2) {
      const rate = (p.bytesSent - this.lastSample.bytes) / elapsed;
      const previous = this.current.rateBytesPerSecond;
      this.current.rateBytesPerSecond = previous === 0 ? rate : previous * 0.7 + rate * 0.3;
      this.lastSample = { at: now, bytes: p.bytesSent };
    }
    this.options.onProgress?.(p);
  }
}
