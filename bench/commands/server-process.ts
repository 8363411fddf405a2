import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminApi } from '../checkin/admin-api';
import { hasExited, spawnNode, stopChild } from '../checkin/children';
import { MUSTER_BIN, REPO_ROOT } from '../checkin/paths';
import { waitUntil } from '../checkin/wait';

/** Where a benchmarked server keeps its data and listens. */
export interface CmdServerOptions {
  dataDir: string;
  /** postgres://... for PostgreSQL; empty for SQLite in the data directory. */
  databaseUrl: string;
  httpPort: number;
  agentPort: number;
  devicePort: number;
  /** Its JSON log lines (stdout and stderr) are appended here. */
  logFile: string;
  logLevel: string;
  /** Extra node options placed before the script. */
  nodeArgs: string[];
}

/**
 * A real `muster server` process (`node packages/cli/bin/muster.mjs server ...`), on SQLite
 * or PostgreSQL, with its HTTP API, agent gateway and device endpoint on loopback ports;
 * restartable on the same data.
 */
export class CmdServerProcess {
  private child: ChildProcess | null = null;

  constructor(readonly options: CmdServerOptions) {}

  /** The HTTP API base URL. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.options.httpPort}`;
  }

  /** The device endpoint base URL (HTTPS, self-signed). */
  get deviceUrl(): string {
    return `https://127.0.0.1:${this.options.devicePort}`;
  }

  /** The admin token the first start wrote. */
  adminToken(): string {
    return readFileSync(join(this.options.dataDir, 'admin-token'), 'utf8').trim();
  }

  /** An admin API client. */
  api(): AdminApi {
    return new AdminApi(this.httpUrl, this.adminToken());
  }

  /** The server's pid while it runs. */
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

  /** The last lines of the server's log. */
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
    const status = this.child ? (this.child.signalCode ?? `exit code ${this.child.exitCode}`) : 'not started';
    throw new Error(`the muster server died during ${during} (${status}); its log ends:\n${this.logTail()}`);
  }

  /** Starts the process and resolves once its API answers; returns how long that took (s). */
  async start(timeoutMs = 120_000): Promise<number> {
    const o = this.options;
    const log = openSync(o.logFile, 'a');
    const started = performance.now();
    const args = [
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
      String(o.devicePort),
      '--log-level',
      o.logLevel,
      ...(o.databaseUrl ? ['--database-url', o.databaseUrl] : []),
    ];
    this.child = spawnNode(args, { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
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
      throw new Error(`muster server did not start (${ready.value}); its log ends:\n${this.logTail()}`);
    }
    return (performance.now() - started) / 1000;
  }

  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.child) return;
    await stopChild(this.child, graceMs, 'SIGTERM');
    this.child = null;
  }
}
