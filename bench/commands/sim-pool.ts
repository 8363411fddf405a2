import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasExited, spawnNode, stopChild, waitForExit } from '../checkin/children';
import { REPO_ROOT } from '../checkin/paths';
import type {
  CmdChildMessage,
  CmdParentMessage,
  CmdSimConfig,
  CmdSimStatus,
  FanoutReport,
  LatencyRun,
} from './sim-protocol';

const SIMULATOR = fileURLToPath(new URL('./simulator.ts', import.meta.url));

type Answer = Exclude<CmdChildMessage, { type: 'ready' }>;

/** One simulator child that answers requests by id. */
class CmdSimChild {
  private nextId = 1;
  private readonly pending = new Map<number, (m: Answer) => void>();
  private readyWaiter: (() => void) | null = null;

  constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const m = raw as CmdChildMessage;
      if (m.type === 'ready') {
        this.readyWaiter?.();
        return;
      }
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
    });
  }

  send(message: CmdParentMessage): void {
    if (!hasExited(this.child) && this.child.connected) this.child.send(message);
  }

  configure(config: CmdSimConfig, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('simulator did not get ready in time')), timeoutMs);
      this.readyWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      this.send({ type: 'config', config });
    });
  }

  request(make: (id: number) => CmdParentMessage, timeoutMs: number): Promise<Answer | null> {
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

/** The command simulator children, driven together; their agents are split evenly. */
export class CmdSimPool {
  private constructor(private readonly children: CmdSimChild[]) {}

  /** Starts `processes` children and hands each its share of `config.count` agents. */
  static async start(config: CmdSimConfig, processes: number): Promise<CmdSimPool> {
    const children: CmdSimChild[] = [];
    const configs: CmdSimConfig[] = [];
    const share = Math.ceil(config.count / processes);
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
      const child = spawnNode(['--max-old-space-size=8192', '--import', 'tsx', SIMULATOR], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(new CmdSimChild(child));
    }
    const pool = new CmdSimPool(children);
    await Promise.all(children.map((c, i) => c.configure(configs[i] as CmdSimConfig, 60_000 + config.count)));
    return pool;
  }

  /** How many children there are. */
  get size(): number {
    return this.children.length;
  }

  /** Tells every child to connect its agents. */
  connect(): void {
    for (const c of this.children) c.send({ type: 'connect' });
  }

  /** The summed counters; a child that does not answer in time counts as zero. */
  async status(timeoutMs = 10_000): Promise<CmdSimStatus> {
    const replies = await Promise.all(
      this.children.map((c) => c.request((id) => ({ type: 'status', id }), timeoutMs)),
    );
    const total: CmdSimStatus = {
      connected: 0,
      everConnected: 0,
      connectFailures: 0,
      lastError: '',
      commandsReceived: 0,
      acksReceived: 0,
    };
    for (const r of replies) {
      if (r?.type !== 'status') continue;
      const s = r.status;
      total.connected += s.connected;
      total.everConnected += s.everConnected;
      total.connectFailures += s.connectFailures;
      total.commandsReceived += s.commandsReceived;
      total.acksReceived += s.acksReceived;
      if (s.lastError) total.lastError = s.lastError;
    }
    return total;
  }

  /**
   * Runs the latency measurement in each child in turn (never two at once), `count` commands
   * in all, and returns every child's run.
   */
  async latency(count: number, perCommandTimeoutMs: number, commandType: string): Promise<LatencyRun[]> {
    const runs: LatencyRun[] = [];
    const share = Math.ceil(count / this.children.length);
    for (const [i, c] of this.children.entries()) {
      const n = Math.min(share, count - i * share);
      if (n <= 0) break;
      const reply = await c.request(
        (id) => ({ type: 'latency', id, count: n, timeoutMs: perCommandTimeoutMs, commandType }),
        n * (perCommandTimeoutMs * 2 + 1000),
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

  /** Pids of the simulator processes. */
  get pids(): number[] {
    return this.children.flatMap((c) => (c.child.pid === undefined ? [] : [c.child.pid]));
  }

  /** Closes every connection and ends the children (killed if they take too long). */
  async stop(): Promise<void> {
    for (const c of this.children) c.send({ type: 'stop' });
    await Promise.all(
      this.children.map(async (c) => {
        if (!(await waitForExit(c.child, 15_000))) await stopChild(c.child, 5_000, 'SIGTERM');
      }),
    );
  }
}
