import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled muster command, as `npm start` and an installation run it (needs `npm run build`). */
export const MUSTER_COMPILED_BIN = fileURLToPath(
  new URL('../../packages/cli/bin/muster.mjs', import.meta.url),
);

/** The muster command run from its sources through tsx: a change shows without a build. */
export const MUSTER_DEV_BIN = fileURLToPath(
  new URL('../../packages/cli/bin/muster-dev.mjs', import.meta.url),
);

/**
 * The muster command the e2e tests run. `npm test` builds the packages first and sets
 * MUSTER_E2E_BIN=compiled, so the suite runs what ships, and each of its hundreds of server,
 * agent and CLI processes starts without compiling TypeScript (about 0.3 to 0.7 s of CPU
 * each through tsx). A test file run on its own uses the sources, so an edit needs no build.
 */
export const MUSTER_BIN = process.env.MUSTER_E2E_BIN === 'compiled' ? MUSTER_COMPILED_BIN : MUSTER_DEV_BIN;

/** A temporary directory removed by `cleanup()`. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), `muster-e2e-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The ports tests pick from: the 12,000 just below the kernel's ephemeral range (32768–60999 by
 * default, read from /proc where it is there). A port from listen(0) is one the kernel also hands
 * to outgoing connections and to every other listen(0): between its close here and the server's
 * bind, another test's connection could take it, and did (CI: "the HTTP API cannot listen on
 * 127.0.0.1:37421: the port is already in use"). Below the range, only a test that picks the
 * same port can take it.
 */
export function testPortRange(): { low: number; high: number } {
  let ephemeralLow = 32768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (Number(low) > 13_000) ephemeralLow = Number(low);
  } catch {
    // Not Linux: the common default.
  }
  return { low: ephemeralLow - 12_000, high: ephemeralLow - 1 };
}

/** Whether a TCP port on 127.0.0.1 can be listened on now (closed again before this resolves). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1, at random in testPortRange() (closed again before it is returned). */
export async function freePort(random: () => number = Math.random): Promise<number> {
  const { low, high } = testPortRange();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(random() * (high - low + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found in ${low}-${high} after 100 tries`);
}

/** What is left of a type once falsy values are ruled out. */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

/** Polls `check` until it returns a truthy value (and not an empty list) or the time runs out. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      // An empty list counts as "not yet": tests wait for something to appear in one.
      if (value && !(Array.isArray(value) && value.length === 0)) return value as Truthy<T>;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** A child process with its output captured (JSON log lines parsed when possible). */
export class Proc {
  readonly lines: string[] = [];
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Log lines (parsed JSON) whose message contains `text`. */
  logs(text: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.lines) {
      if (!line.includes(text)) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        out.push({ msg: line });
      }
    }
    return out;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** How the process stands and its last lines: what a failed wait needs to say why. */
  describe(lastLines = 30): string {
    const { exitCode, signalCode } = this.child;
    const state =
      exitCode !== null ? `exited ${exitCode}` : signalCode !== null ? `killed by ${signalCode}` : 'running';
    const tail = this.lines.slice(-lastLines);
    return `${this.name} (${state}), ${tail.length ? `its last ${tail.length} lines:\n${tail.join('\n')}` : 'no output'}`;
  }

  /** Stops the process: SIGTERM by default, SIGKILL for a crash. Resolves once it exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  wait(): Promise<number | null> {
    return this.exited;
  }
}

const running = new Set<Proc>();
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

/** Runs `muster <args>` as a child process. */
export function runMuster(name: string, args: string[], env: NodeJS.ProcessEnv = {}, bin = MUSTER_BIN): Proc {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new Proc(name, child);
  running.add(proc);
  void proc.wait().then(() => running.delete(proc));
  return proc;
}

/** Options of a test server. */
export interface TestServerOptions {
  dataDir: string;
  agentPorts: number[];
  httpPort?: number;
  databaseUrl?: string;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Port of the device endpoint (a free one by default). */
  devicePort?: number;
  /** Data directory whose admin-token file to use (a second node of a cluster has none). */
  tokenDir?: string;
  /** The muster command to run (the sources through tsx by default). */
  bin?: string;
  /** Picks the HTTP port when httpPort is not given (freePort by default). */
  pickHttpPort?: () => Promise<number>;
}

/** Tries of a start whose HTTP port, picked here, was taken by another test in the meantime. */
const PORT_TRIES = 5;

/** A `muster server` process and an API client for it. */
export class TestServer {
  readonly api: ApiClient;

  private constructor(
    readonly proc: Proc,
    readonly options: TestServerOptions & { httpPort: number },
  ) {
    this.api = new ApiClient(`http://127.0.0.1:${options.httpPort}`, () =>
      readFileSync(join(options.tokenDir ?? options.dataDir, 'admin-token'), 'utf8').trim(),
    );
  }

  /**
   * Starts a server and waits until its API answers. A port picked here can still be taken by
   * another test file that picked the same one (the files run side by side; CI saw it: "the
   * HTTP API cannot listen on 127.0.0.1:23061: the port is already in use"), so a start refused
   * for that port is tried again on another, up to PORT_TRIES times.
   */
  static async start(options: TestServerOptions): Promise<TestServer> {
    if (options.httpPort !== undefined) return TestServer.startOn(options, options.httpPort);
    const pick = options.pickHttpPort ?? (() => freePort());
    for (let attempt = 1; ; attempt++) {
      const httpPort = await pick();
      try {
        return await TestServer.startOn(options, httpPort);
      } catch (error) {
        const taken = String(error).includes(
          `cannot listen on 127.0.0.1:${httpPort}: the port is already in use`,
        );
        if (!taken || attempt >= PORT_TRIES) throw error;
      }
    }
  }

  private static async startOn(options: TestServerOptions, httpPort: number): Promise<TestServer> {
    const args = [
      'server',
      '--data-dir',
      options.dataDir,
      '--http-port',
      String(httpPort),
      '--agent-host',
      '127.0.0.1',
      '--auth-failure-delay-ms',
      '300',
      '--device-host',
      '127.0.0.1',
      '--device-port',
      String(options.devicePort ?? 0),
    ];
    for (const p of options.agentPorts) args.push('--agent-port', String(p));
    if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
    args.push(...(options.extraArgs ?? []));
    const proc = runMuster(`server:${options.agentPorts.join(',')}`, args, options.env, options.bin);
    const server = new TestServer(proc, { ...options, httpPort });
    // A server that exits (a refused setting, a port in use) fails the start at once, not after
    // the 30 s its API was given to answer.
    let answered = false;
    const exited = proc.wait().then((code) => {
      if (!answered) throw new Error(`server exited with ${code} before its API answered: ${proc.output()}`);
    });
    // Started means the start finished: the API answers and the banner is printed (the first
    // start writes the admin token and password between the two).
    await Promise.race([
      waitFor(
        `server on ${httpPort} to answer`,
        async () =>
          proc.output().includes('Muster server running') && (await server.api.get('/server')).status === 200,
        30_000,
      ),
      exited,
    ]);
    answered = true;
    return server;
  }

  /** Starts the same server again (same data dir, ports and options). */
  restart(): Promise<TestServer> {
    return TestServer.start(this.options);
  }

  stop(signal?: NodeJS.Signals): Promise<void> {
    return this.proc.stop(signal);
  }

  /** Creates an install token. */
  async installToken(body: Record<string, unknown>): Promise<string> {
    const response = await this.api.post('/install-tokens', body);
    if (response.status !== 201) throw new Error(`install token: ${JSON.stringify(response.body)}`);
    return (response.body as { token: string }).token;
  }

  /** One machine's API view, or null. */
  async machine(id: string): Promise<MachineJson | null> {
    const response = await this.api.get(`/machines/${id}`);
    return response.status === 200 ? (response.body as MachineJson) : null;
  }

  async machines(filter?: string): Promise<MachineJson[]> {
    const response = await this.api.get(`/machines${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`);
    return (response.body as { items: MachineJson[] }).items;
  }

  /** Waits until a machine has the given status. */
  async waitForStatus(id: string, status: string, timeoutMs = 20_000): Promise<MachineJson> {
    return waitFor(
      `${id} to be ${status}`,
      async () => {
        const m = await this.machine(id);
        return m?.status === status ? m : null;
      },
      timeoutMs,
    );
  }

  async notifications(type?: string): Promise<Array<{ type: string; machineId: string; message: string }>> {
    const response = await this.api.get(`/notifications${type ? `?type=${type}` : ''}`);
    return (response.body as { items: Array<{ type: string; machineId: string; message: string }> }).items;
  }
}

/** The machine fields the tests read. */
export interface MachineJson {
  id: string;
  guid: string;
  status: string;
  online: boolean;
  temporary: boolean;
  bound: boolean;
  lastCheckinAt: string | null;
  settingsApplied: boolean;
  connectedFrom: string | null;
  checkinControl: {
    primary: { host: string; port: number };
    secondary: { host: string; port: number } | null;
    periodSeconds: number;
    bindToServer: boolean;
    bandwidthKBps: number;
  };
  audit: { hostName: string; hardwareId: string } | null;
}

/** A response: status and parsed body. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** A minimal API client for tests. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: () => string,
  ) {}

  async request(method: string, path: string, body?: unknown, token = this.token()): Promise<ApiResponse> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown): Promise<ApiResponse> {
    return this.request('POST', path, body ?? {});
  }
  put(path: string, body: unknown): Promise<ApiResponse> {
    return this.request('PUT', path, body);
  }
}

/** Options of a test agent. */
export interface TestAgentOptions {
  stateDir: string;
  server?: string;
  secondary?: string;
  token?: string;
  hardwareId?: string;
  userProbeFile?: string;
  /** The muster command to run (the sources through tsx by default). */
  bin?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a `muster agent` process. */
export function startAgent(name: string, o: TestAgentOptions): Proc {
  const args = ['agent', '--state', o.stateDir, '--log-level', 'info'];
  if (o.server) args.push('--server', o.server);
  if (o.secondary) args.push('--secondary', o.secondary);
  if (o.token) args.push('--token', o.token);
  args.push('--hardware-id', o.hardwareId ?? `hw-${name}`);
  // The probe reads a JSON file the test writes, standing in for a person at the console.
  args.push('--user-probe', o.userProbeFile ? `cat ${o.userProbeFile}` : 'echo \'{"user":null}\'');
  return runMuster(`agent:${name}`, args, o.env, o.bin);
}

/**
 * Waits until an agent has stored its machine id, and returns it. On a timeout the error carries
 * the agent's state and last log lines: a slow start, a refusal or a crash each read differently.
 */
export async function waitEnrolled(agent: Proc, stateDir: string, timeoutMs = 30_000): Promise<string> {
  try {
    return await waitFor(`${agent.name} enrolled`, () => agentState(stateDir).machineId, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${agent.describe()}`);
  }
}

/** Copies an agent state directory (a cloned machine). */
export function cloneState(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}

/** Reads an agent's persisted state. */
export function agentState(stateDir: string): {
  machineId: string | null;
  serverId: string | null;
  settingsRevision: number;
  checkinControl: MachineJson['checkinControl'] | null;
} {
  return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
}
