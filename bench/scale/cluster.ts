import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerAddress } from '@muster/protocol';
import { freePort } from '../support/ports';
import { MusterServerProcess, type StopOutcome } from '../support/server-process';

/** Where the cluster's nodes live and how they log. */
export interface ClusterOptions {
  nodes: number;
  databaseUrl: string;
  workDir: string;
  logLevel: string;
  nodeArgs: string[];
}

/**
 * N real `muster server` processes (the compiled build, as `npm start` runs it) on one
 * PostgreSQL database, each with its own data directory (TLS certificate, logs) and ports.
 * The first node to start makes the admin token; the others are given a copy of it, since
 * the token lives in the shared store and a later node writes none.
 */
export class ScaleCluster {
  private constructor(readonly nodes: MusterServerProcess[]) {}

  /** Prepares the nodes (ports and directories); nothing runs yet. */
  static async create(o: ClusterOptions): Promise<ScaleCluster> {
    const nodes: MusterServerProcess[] = [];
    for (let i = 0; i < o.nodes; i++) {
      const dataDir = join(o.workDir, `node-${i}`);
      mkdirSync(dataDir, { recursive: true });
      nodes.push(
        new MusterServerProcess({
          dataDir,
          databaseUrl: o.databaseUrl,
          httpPort: await freePort(),
          agentPort: await freePort(),
          devicePort: await freePort(),
          logFile: join(o.workDir, `node-${i}.log`),
          logLevel: o.logLevel,
          nodeArgs: o.nodeArgs,
        }),
      );
    }
    return new ScaleCluster(nodes);
  }

  /** Every node's agent address, in node order. */
  get agentAddresses(): ServerAddress[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.options.agentPort }));
  }

  /** Every node's pid, in node order. */
  get pids(): number[] {
    return this.nodes.map((n) => n.pid);
  }

  /** The first node (the one the benchmark talks to unless it says otherwise). */
  get first(): MusterServerProcess {
    return this.nodes[0] as MusterServerProcess;
  }

  /**
   * Starts every node: the first alone (it runs the migrations and makes the admin token),
   * then the others at once. Returns each node's start time in seconds.
   */
  async startAll(): Promise<number[]> {
    const first = await this.first.start();
    const tokenFile = join(this.first.options.dataDir, 'admin-token');
    for (const n of this.nodes.slice(1)) copyFileSync(tokenFile, join(n.options.dataDir, 'admin-token'));
    const rest = await Promise.all(this.nodes.slice(1).map((n) => n.start()));
    return [first, ...rest];
  }

  /** Starts the nodes that are not running, all at once; returns how long the slowest took (s). */
  async restartStopped(): Promise<number> {
    const started = performance.now();
    await Promise.all(this.nodes.filter((n) => !n.running).map((n) => n.start(120_000)));
    return (performance.now() - started) / 1000;
  }

  /** Stops every node at once with `signal` (SIGKILL: no grace). */
  async stopAll(signal: 'SIGTERM' | 'SIGKILL', graceMs = 60_000): Promise<StopOutcome[]> {
    return Promise.all(this.nodes.map((n) => (signal === 'SIGKILL' ? n.kill() : n.stop(graceMs))));
  }

  /** Throws, with the end of its log, if a node that should run has died. */
  assertRunning(during: string, except: MusterServerProcess | null = null): void {
    for (const n of this.nodes) if (n !== except) n.assertRunning(during);
  }
}
