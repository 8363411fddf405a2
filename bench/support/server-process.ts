import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminApi } from './admin-api';
import { hasExited, spawnNode, stopChild } from './children';
import { MUSTER_BIN, REPO_ROOT } from './paths';
import { waitUntil } from './wait';

/** Where a benchmarked server lives and listens. */
export interface ServerProcessOptions {
  dataDir: string;
  httpPort: number;
  agentPort: number;
  /** The device endpoint's port; 0 (a free one) when devices are not benchmarked. */
  devicePort?: number;
  /** postgres://... for PostgreSQL; empty or absent for SQLite in the data directory. */
  databaseUrl?: string;
  /** Its JSON log lines (stdout and stderr) are appended here. */
  logFile: string;
  logLevel: string;
  /** Extra node options placed before the script. */
  nodeArgs: string[];
}

/** How a SIGTERM stop went. */
export interface StopOutcome {
  /** From the signal until the process was gone, in seconds. */
  seconds: number;
  /** False when it had to be killed after the grace time. */
  exitedGracefully: boolean;
}

/**
 * A real `muster server` process (`node packages/cli/bin/muster.mjs server ...`) on a data
 * directory (SQLite) or PostgreSQL, restartable on the same data and ports. Every benchmark
 * that needs a server uses this one.
 */
export class MusterServerProcess {
  private child: ChildProcess | null = null;

  constructor(readonly options: ServerProcessOptions) {}

  /** The HTTP API base URL. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.options.httpPort}`;
  }

  /** The server's pid (node itself: the bash wrapper execs it). */
  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined || this.child === null || hasExited(this.child))
      throw new Error('server not running');
    return pid;
  }

  /** Whether the process is running now. */
  get running(): boolean {
    return this.child !== null && !hasExited(this.child);
  }

  /** How the last process ended, when it has (exit code or signal). */
  get exitStatus(): string | null {
    if (!this.child || !hasExited(this.child)) return null;
    return this.child.signalCode ?? `exit code ${this.child.exitCode}`;
  }

  /** The last lines of the server's log, for a failure message. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Throws, with the end of its log, if the server process has died. */
  assertRunning(during: string): void {
    if (this.running) return;
    throw new Error(
      `the muster server died during ${during} (${this.exitStatus}); its log ends:\n${this.logTail()}`,
    );
  }

  /** The device endpoint base URL (HTTPS, self-signed). */
  get deviceUrl(): string {
    return `https://127.0.0.1:${this.options.devicePort ?? 0}`;
  }

  /** The admin token the first start wrote. */
  adminToken(): string {
    return readFileSync(join(this.options.dataDir, 'admin-token'), 'utf8').trim();
  }

  /** An API client with the admin token the first start wrote. */
  api(): AdminApi {
    return new AdminApi(this.httpUrl, this.adminToken());
  }

  /** Starts the process and resolves once its API answers; returns how long that took (s). */
  async start(timeoutMs = 60_000): Promise<number> {
    const o = this.options;
    const log = openSync(o.logFile, 'a');
    const started = performance.now();
    this.child = spawnNode(
      [
        ...o.nodeArgs,
        MUSTER_BIN,
        'server',
        '--data-dir',
        o.dataDir,
        '--http-port',
        String(o.httpPort),
        '--agent-port',
        String(o.agentPort),
        '--agent-host',
        '127.0.0.1',
        '--device-host',
        '127.0.0.1',
        '--device-port',
        String(o.devicePort ?? 0),
        '--log-level',
        o.logLevel,
        ...(o.databaseUrl ? ['--database-url', o.databaseUrl] : []),
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const child = this.child;
    const ready = await waitUntil(
      async () => {
        if (hasExited(child)) return 'exited';
        if (!existsSync(join(o.dataDir, 'admin-token'))) return 'starting';
        try {
          await this.api().serverStatus();
          return 'ready';
        } catch {
          return 'starting';
        }
      },
      (state) => state !== 'starting',
      timeoutMs,
      50,
    );
    if (ready.value !== 'ready') {
      throw new Error(`muster server did not start (${ready.value}); see ${o.logFile}`);
    }
    return (performance.now() - started) / 1000;
  }

  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 60_000): Promise<StopOutcome> {
    if (!this.child) return { seconds: 0, exitedGracefully: true };
    const started = performance.now();
    const { exitedGracefully } = await stopChild(this.child, graceMs, 'SIGTERM');
    this.child = null;
    return { seconds: (performance.now() - started) / 1000, exitedGracefully };
  }

  /** Kills the process with SIGKILL (no shutdown at all) and waits until it is gone. */
  async kill(): Promise<StopOutcome> {
    if (!this.child) return { seconds: 0, exitedGracefully: false };
    const started = performance.now();
    await stopChild(this.child, 10_000, 'SIGKILL');
    this.child = null;
    return { seconds: (performance.now() - started) / 1000, exitedGracefully: false };
  }
}
