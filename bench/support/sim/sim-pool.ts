import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasExited, spawnNode, stopChild, waitForExit } from '../children';
import { REPO_ROOT } from '../paths';
import type {
  ChildMessage,
  FanoutReport,
  LatencyRequest,
  LatencyRun,
  ParentMessage,
  SimConfig,
  SimStatus,
} from './sim-protocol';

const SIMULATOR = fileURLToPath(new URL('./simulator.ts', import.meta.url));

/** The summed status of every simulator child. */
export interface PoolStatus extends SimStatus {
  /** Children that did not answer in time: their last known counters are used. */
  stale: number;
}

/** What a drain (a ping over every open connection) found. */
export interface DrainResult {
  answered: number;
  total: number;
  /** Until the slowest child had every answer, in milliseconds. */
  ms: number;
}

/** A child that answers requests by id. */
class SimChild {
  /** The last counters this child reported. */
  last: SimStatus | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (m: ChildMessage) => void>();
  private readyWaiter: (() => void) | null = null;

  constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const m = raw as ChildMessage;
      if (m.type === 'ready') {
        this.readyWaiter?.();
        return;
      }
      if (!('id' in m)) return;
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
    });
  }

  send(message: ParentMessage): void {
    if (!hasExited(this.child) && this.child.connected) this.child.send(message);
  }

  configure(config: SimConfig, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('simulator did not get ready in time')), timeoutMs);
      this.readyWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      this.send({ type: 'config', config });
    });
  }

  request(make: (id: number) => ParentMessage, timeoutMs: number): Promise<ChildMessage | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(null);
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.send(make(id));
    });
  }
}

/** The counters of no simulator at all, the start of a sum. */
export function emptyStatus(): SimStatus {
  return {
    connected: 0,
    onPrimary: 0,
    onSecondary: 0,
    everConnected: 0,
    welcomedSinceMark: 0,
    sent: 0,
    connectFailures: 0,
    lastError: '',
    periods: {},
    commandsReceived: 0,
    acksReceived: 0,
    duplicateDeliveries: 0,
    deliveredAfterAck: 0,
    distinctCommands: 0,
  };
}

/**
 * The simulator child processes of one phase, driven together: their share of the clients is
 * split evenly, commands go to all, and their counters are summed. Every benchmark that
 * simulates agents or floor clients uses this one pool.
 */
export class SimPool {
  private constructor(private readonly children: SimChild[]) {}

  /**
   * Starts `processes` simulator children and hands each its share of `config.count` clients;
   * `nodeArgs` are extra node options for each child (a CPU profile, say).
   */
  static async start(
    config: SimConfig,
    processes: number,
    nodeArgs: readonly string[] = [],
  ): Promise<SimPool> {
    const children: SimChild[] = [];
    const share = Math.ceil(config.count / processes);
    const configs: SimConfig[] = [];
    for (let p = 0; p < processes; p++) {
      const first = p * share;
      const count = Math.min(share, config.count - first);
      if (count <= 0) break;
      configs.push({
        ...config,
        firstIndex: config.firstIndex + first,
        count,
        concurrency: Math.max(1, Math.round(config.concurrency / processes)),
      });
      const child = spawnNode(['--max-old-space-size=8192', ...nodeArgs, '--import', 'tsx', SIMULATOR], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(new SimChild(child));
    }
    const pool = new SimPool(children);
    // Keys are made at configuration: about 0.1 ms each.
    await Promise.all(children.map((c, i) => c.configure(configs[i] as SimConfig, 60_000 + config.count)));
    return pool;
  }

  /** Sends a command to every child. */
  broadcast(message: ParentMessage): void {
    for (const c of this.children) c.send(message);
  }

  /**
   * The summed counters. A child too busy to answer in time (its event loop full of
   * handshakes) contributes its last known counters and is counted in `stale`.
   */
  async status(timeoutMs = 30_000): Promise<PoolStatus> {
    const replies = await Promise.all(
      this.children.map((c) => c.request((id) => ({ type: 'status', id }), timeoutMs)),
    );
    const total: PoolStatus = { ...emptyStatus(), stale: 0 };
    replies.forEach((r, i) => {
      const child = this.children[i];
      if (!child) return;
      if (r?.type === 'status') child.last = r.status;
      else total.stale++;
      const s = child.last;
      if (!s) return;
      total.connected += s.connected;
      total.onPrimary += s.onPrimary;
      total.onSecondary += s.onSecondary;
      total.everConnected += s.everConnected;
      total.welcomedSinceMark += s.welcomedSinceMark;
      total.sent += s.sent;
      total.connectFailures += s.connectFailures;
      total.commandsReceived += s.commandsReceived;
      total.acksReceived += s.acksReceived;
      total.duplicateDeliveries += s.duplicateDeliveries;
      total.deliveredAfterAck += s.deliveredAfterAck;
      total.distinctCommands += s.distinctCommands;
      if (s.lastError) total.lastError = s.lastError;
      for (const [k, v] of Object.entries(s.periods)) total.periods[k] = (total.periods[k] ?? 0) + v;
    });
    return total;
  }

  /** Tells every child to connect its clients. */
  connect(): void {
    this.broadcast({ type: 'connect' });
  }

  /** How many children there are. */
  get size(): number {
    return this.children.length;
  }

  /** Forgets the command ids seen so far: duplicates are counted afresh from now on. */
  async resetCommandCounts(): Promise<void> {
    this.broadcast({ type: 'reset-command-counts' });
    await this.status(60_000);
  }

  /**
   * Runs the latency measurement in each child in turn (never two at once), `request.count`
   * commands in all, and returns every child's run.
   */
  async latency(request: LatencyRequest): Promise<LatencyRun[]> {
    const runs: LatencyRun[] = [];
    const share = Math.ceil(request.count / this.children.length);
    for (const [i, c] of this.children.entries()) {
      const n = Math.min(share, request.count - i * share);
      if (n <= 0) break;
      const reply = await c.request(
        (id) => ({ type: 'latency', id, request: { ...request, count: n } }),
        n * (request.timeoutMs * 2 + 1000),
      );
      runs.push(
        reply?.type === 'latency'
          ? reply.run
          : { samples: [], failures: n, lastFailure: 'the simulator did not answer in time' },
      );
    }
    return runs;
  }

  /** Starts collecting fan-out receipts of `commandType` in every child. */
  async markFanout(commandType: string): Promise<void> {
    await Promise.all(
      this.children.map((c) => c.request((id) => ({ type: 'fanout-mark', id, commandType }), 10_000)),
    );
  }

  /** Every child's fan-out receipts so far, merged. */
  async fanoutReport(timeoutMs = 20_000): Promise<FanoutReport> {
    const replies = await Promise.all(
      this.children.map((c) => c.request((id) => ({ type: 'fanout-report', id }), timeoutMs)),
    );
    const merged: FanoutReport = { receivedAtMs: [], ackedAtMs: [] };
    for (const r of replies) {
      if (r?.type !== 'fanout-report') continue;
      // concat, not push(...): a spread of 100,000 arguments overflows the stack.
      merged.receivedAtMs = merged.receivedAtMs.concat(r.report.receivedAtMs);
      merged.ackedAtMs = merged.ackedAtMs.concat(r.report.ackedAtMs);
    }
    return merged;
  }

  /** Marks now as the start of a restart: later welcomes count in `welcomedSinceMark`. */
  async mark(): Promise<void> {
    this.broadcast({ type: 'mark' });
    // The answer comes after the mark was taken.
    const answered = await this.status(60_000);
    if (answered.stale > 0) throw new Error('a simulator did not take the restart mark in time');
  }

  /** Pings every open connection and waits for the answers (frames before a ping are read first). */
  async drain(timeoutMs: number): Promise<DrainResult> {
    const replies = await Promise.all(
      this.children.map((c) => c.request((id) => ({ type: 'drain', id, timeoutMs }), timeoutMs + 10_000)),
    );
    const result: DrainResult = { answered: 0, total: 0, ms: 0 };
    for (const r of replies) {
      if (r?.type !== 'drained') continue;
      result.answered += r.answered;
      result.total += r.total;
      result.ms = Math.max(result.ms, r.ms);
    }
    return result;
  }

  /** Pids of the simulator processes. */
  get pids(): number[] {
    return this.children.flatMap((c) => (c.child.pid === undefined ? [] : [c.child.pid]));
  }

  /** Closes every connection and ends the children (killed if they take too long). */
  async stop(): Promise<void> {
    this.broadcast({ type: 'stop' });
    await Promise.all(
      this.children.map(async (c) => {
        if (!(await waitForExit(c.child, 15_000))) await stopChild(c.child, 5_000, 'SIGTERM');
      }),
    );
  }
}
