import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs: number,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Spawns `<command> <args>` with its output discarded but the last of stderr kept for errors. */
export function spawnMuster(
  command: string[],
  args: string[],
): { child: ChildProcess; stderr: () => string } {
  const { NODE_OPTIONS: _unset, ...env } = process.env;
  const [file, ...first] = command as [string, ...string[]];
  const child = spawn(file, [...first, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, stderr: () => tail };
}

/** Stops a child with SIGTERM (SIGKILL after 10 s) and waits for it. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A running `muster server` and the admin API calls the benchmark makes. */
export class FootprintServer {
  private constructor(
    readonly child: ChildProcess,
    readonly agentPort: number,
    private readonly apiBase: string,
    private readonly dataDir: string,
  ) {}

  /** Starts a server on loopback ports with its store in `dataDir`; resolves once its API answers. */
  static async start(command: string[], dataDir: string): Promise<FootprintServer> {
    const [httpPort, agentPort] = [await freePort(), await freePort()];
    const { child, stderr } = spawnMuster(command, [
      'server',
      '--data-dir',
      dataDir,
      '--http-port',
      String(httpPort),
      '--agent-port',
      String(agentPort),
      '--agent-host',
      '127.0.0.1',
      '--device-host',
      '127.0.0.1',
      '--device-port',
      '0',
    ]);
    const server = new FootprintServer(child, agentPort, `http://127.0.0.1:${httpPort}/api/v1`, dataDir);
    await waitUntil(
      'the server API',
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited: ${stderr()}`);
        return (await server.call('GET', '/server')).status === 200;
      },
      60_000,
    );
    return server;
  }

  /** One API call with the admin token. */
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const token = readFileSync(join(this.dataDir, 'admin-token'), 'utf8').trim();
    const response = await fetch(`${this.apiBase}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
