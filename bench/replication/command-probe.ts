import type { ChildProcess } from 'node:child_process';
import { summarize } from '../support/stats';
import type { CommandProbeResult, LatencySummary } from './results';

/** The probe's messages over the sender child's IPC channel. */
export type ProbeMessage = { type: 'ping'; id: number } | { type: 'pong'; id: number };

/** How often the benchmark pings the sender while it replicates, ms. */
export const PROBE_INTERVAL_MS = 50;

const round = (n: number): number | null => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);

/** p50, p99 and max of `values` (ms), rounded to 0.01 ms; null fields when there are none. */
export function latencySummary(values: readonly number[]): LatencySummary {
  const s = summarize(values);
  return { count: s.count, p50Ms: round(s.p50), p99Ms: round(s.p99), maxMs: round(s.max) };
}

/**
 * Stands for a command sent to an agent that is replicating at full speed: every `intervalMs`
 * the benchmark sends the sender child a ping over its IPC channel and times the pong. The
 * child answers from its 'message' handler, so a pong waits for whatever holds the child's
 * event loop (hashing, copying, a long synchronous step), as a command over the agent's
 * connection would; the pipe and this process's own loop add well under a millisecond.
 */
export class CommandProbe {
  private readonly sent = new Map<number, number>();
  private readonly roundTrips: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private drained: (() => void) | undefined;

  constructor(
    private readonly child: ChildProcess,
    readonly intervalMs = PROBE_INTERVAL_MS,
  ) {
    child.on('message', (message: ProbeMessage) => {
      if (message.type !== 'pong') return;
      const at = this.sent.get(message.id);
      if (at === undefined) return;
      this.sent.delete(message.id);
      this.roundTrips.push(performance.now() - at);
      if (this.sent.size === 0) this.drained?.();
    });
  }

  /** Starts pinging (call when replicate() starts). */
  start(): void {
    if (this.timer) return;
    this.ping();
    this.timer = setInterval(() => this.ping(), this.intervalMs);
  }

  private ping(): void {
    if (!this.child.connected) return;
    const id = this.nextId++;
    this.sent.set(id, performance.now());
    this.child.send({ type: 'ping', id } satisfies ProbeMessage, (error) => {
      if (error) this.sent.delete(id);
    });
  }

  /**
   * Stops pinging and waits up to `graceMs` for the pongs still due (0 for a killed child);
   * `eventLoopDelay` is the child's own account, when it gave one.
   */
  async stop(graceMs: number, eventLoopDelay: LatencySummary | null): Promise<CommandProbeResult> {
    clearInterval(this.timer);
    if (this.sent.size > 0 && graceMs > 0 && this.child.connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
        this.child.once('disconnect', () => this.drained?.());
      });
    }
    return {
      intervalMs: this.intervalMs,
      roundTrip: latencySummary(this.roundTrips),
      unanswered: this.sent.size,
      eventLoopDelay,
    };
  }
}
