import type { SimAgent } from './sim-agent';
import type { CommandObserver } from './sim-behaviour';
import type { FanoutReport } from './sim-protocol';

/** What one traced command went through, in performance.now() milliseconds. */
export interface CommandTrace {
  receivedAt?: number;
  resultAt?: number;
  ackAt?: number;
}

/**
 * Records command receipts in a simulator process. Traced commands (the latency run) are kept
 * by id and can be awaited; during a fan-out every receipt of the fanned-out type is kept as a
 * wall-clock time. Nothing is kept otherwise, so stray commands cost no memory.
 */
export class CommandRecorder implements CommandObserver {
  private traced = new Map<string, CommandTrace>();
  private readonly waiters = new Map<string, () => void>();
  private tracing = false;
  private fanoutType: string | null = null;
  private fanout: FanoutReport = { receivedAtMs: [], ackedAtMs: [] };
  private readonly fanoutIds = new Set<string>();

  /** Starts keeping traces by command id (until stopTracing). */
  startTracing(): void {
    this.tracing = true;
  }

  /** Stops tracing and forgets every trace. */
  stopTracing(): void {
    this.tracing = false;
    this.traced = new Map();
  }

  /** Starts a fan-out: receipts of `commandType` from now on are collected. */
  markFanout(commandType: string): void {
    this.fanoutType = commandType;
    this.fanout = { receivedAtMs: [], ackedAtMs: [] };
    this.fanoutIds.clear();
  }

  /** The fan-out receipts so far. */
  fanoutReport(): FanoutReport {
    return this.fanout;
  }

  /** Resolves with the trace once `done` holds for it, or null after `timeoutMs`. */
  waitFor(id: string, done: (t: CommandTrace) => boolean, timeoutMs: number): Promise<CommandTrace | null> {
    const now = this.traced.get(id);
    if (now && done(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve(null);
      }, timeoutMs);
      this.waiters.set(id, () => {
        const t = this.traced.get(id);
        if (!t || !done(t)) return;
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(t);
      });
    });
  }

  /** Forgets one trace. */
  forget(id: string): void {
    this.traced.delete(id);
  }

  received(_agent: SimAgent, commandId: string, commandType: string, atMs: number): void {
    if (this.fanoutType === commandType) {
      this.fanout.receivedAtMs.push(performance.timeOrigin + atMs);
      this.fanoutIds.add(commandId);
    }
    this.update(commandId, (t) => {
      t.receivedAt = atMs;
    });
  }

  resultSent(_agent: SimAgent, commandId: string, atMs: number): void {
    this.update(commandId, (t) => {
      t.resultAt = atMs;
    });
  }

  acked(_agent: SimAgent, commandId: string, atMs: number): void {
    if (this.fanoutIds.has(commandId)) this.fanout.ackedAtMs.push(performance.timeOrigin + atMs);
    this.update(commandId, (t) => {
      t.ackAt = atMs;
    });
  }

  private update(id: string, change: (t: CommandTrace) => void): void {
    if (!this.tracing) return;
    let t = this.traced.get(id);
    if (!t) {
      t = {};
      this.traced.set(id, t);
    }
    change(t);
    this.waiters.get(id)?.();
  }
}
