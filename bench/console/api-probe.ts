import { type Timing, timing } from '../access/stats';
import { readCpuSeconds } from '../support/proc-stats';
import { databaseCpuBetween, readDatabaseCpu } from './database-cpu';
import type { PageCall } from './page-calls';
import type { Caller, Callers } from './people';
import type { ServerLog } from './server-log';

/** One caller's numbers for one call. */
export interface CallerTiming {
  /** Request sent to the whole body read, at the client. */
  client: Timing;
  /** Request sent to the answer's headers, at the client. */
  headers: Timing;
  /** The server's own time for the same requests (its request log). */
  server: Timing;
  /** Items in the answer and its size (last answer). */
  items: number;
  bytes: number;
  total: number | null;
}

/** One call measured one request at a time, the two callers taking turns. */
export interface SequentialResult {
  key: string;
  label: string;
  paths: { master: string; scoped: string };
  master: CallerTiming;
  scoped: CallerTiming;
  /** scoped / master at p95 of the client time. */
  ratioP95: number;
  failures: number;
  lastFailure: string;
  /** Timed requests whose server log line was not found in order (their server time is left out). */
  unmatchedLogLines: number;
  /**
   * CPU time the server process used per request over all of this call's requests (warm-up
   * included): what a request costs the server whatever else the machine is doing. On SQLite
   * the database runs inside it; PostgreSQL's own processes are not counted.
   */
  serverCpuMsPerRequest: number;
  /** CPU time of the PostgreSQL backends of the run's database per request; null on SQLite. */
  databaseCpuMsPerRequest: number | null;
}

/** The processes whose CPU time is read: the server's, and the PostgreSQL database's by name. */
export interface CpuTargets {
  serverPid: number;
  database: string | null;
}

interface Sample {
  ms: number;
  headersMs: number;
  bytes: number;
  items: number;
  total: number | null;
  error: string | null;
}

async function timeGet(httpUrl: string, caller: Caller, path: string): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await fetch(`${httpUrl}/api/v1${path}`, {
      headers: { cookie: caller.cookie },
      signal: AbortSignal.timeout(60_000),
    });
    const headersMs = performance.now() - started;
    const text = await response.text();
    const ms = performance.now() - started;
    if (!response.ok)
      return {
        ms,
        headersMs,
        bytes: text.length,
        items: 0,
        total: null,
        error: `HTTP ${response.status} ${text.slice(0, 200)}`,
      };
    // Parsed outside the timed span, as the page's own JSON parse is part of rendering.
    const body = JSON.parse(text) as { items?: unknown[]; total?: number };
    return {
      ms,
      headersMs,
      bytes: Buffer.byteLength(text),
      items: body.items?.length ?? 0,
      total: typeof body.total === 'number' ? body.total : null,
      error: null,
    };
  } catch (error) {
    const ms = performance.now() - started;
    return { ms, headersMs: ms, bytes: 0, items: 0, total: null, error: (error as Error).message };
  }
}

const WARMUP = 3;

/**
 * Times `rounds` GETs of one call per caller, one request at a time over kept-alive
 * connections, the callers taking turns and swapping who goes first each round (a slow moment
 * of the shared machine falls on both). The server's time of each request is read from its
 * request log, matched in order.
 */
export async function measureSequential(
  httpUrl: string,
  callers: Callers,
  call: PageCall,
  rounds: number,
  log: ServerLog,
  cpu: CpuTargets,
): Promise<SequentialResult> {
  const samples = { master: [] as Sample[], scoped: [] as Sample[] };
  const sent: Array<{ who: 'master' | 'scoped'; path: string; timed: boolean; ok: boolean }> = [];
  let failures = 0;
  let lastFailure = '';
  const mark = log.mark();
  const cpuBefore = readCpuSeconds(cpu.serverPid);
  const dbBefore = cpu.database === null ? null : readDatabaseCpu(cpu.database);
  for (let r = 0; r < WARMUP + rounds; r++) {
    const order = r % 2 === 0 ? (['master', 'scoped'] as const) : (['scoped', 'master'] as const);
    for (const who of order) {
      const sample = await timeGet(httpUrl, callers[who], call[who]);
      sent.push({ who, path: call[who], timed: r >= WARMUP, ok: sample.error === null });
      if (sample.error !== null) {
        failures++;
        lastFailure = `${who} ${call[who]}: ${sample.error}`;
        continue;
      }
      if (r >= WARMUP) samples[who].push(sample);
    }
  }
  const cpuMs = (readCpuSeconds(cpu.serverPid) - cpuBefore) * 1000;
  const dbMs =
    cpu.database === null || dbBefore === null
      ? null
      : databaseCpuBetween(dbBefore, readDatabaseCpu(cpu.database)) * 1000;
  // Every request's log line, in order; waiting until the last one arrived (stdout lags), so
  // no line of this call is left to be mistaken for one of the next.
  const matched = await log.matchInOrder(
    mark,
    sent.map((r) => `/api/v1${r.path}`),
  );
  const server = { master: [] as number[], scoped: [] as number[] };
  let unmatched = 0;
  for (const [i, request] of sent.entries()) {
    const line = matched[i];
    if (!line) {
      if (request.timed) unmatched++;
    } else if (request.timed && request.ok) server[request.who].push(line.responseTimeMs);
  }
  const of = (who: 'master' | 'scoped'): CallerTiming => {
    const list = samples[who];
    const last = list[list.length - 1];
    return {
      client: timing(list.map((s) => s.ms)),
      headers: timing(list.map((s) => s.headersMs)),
      server: timing(server[who]),
      items: last?.items ?? 0,
      bytes: last?.bytes ?? 0,
      total: last?.total ?? null,
    };
  };
  const master = of('master');
  const scoped = of('scoped');
  return {
    key: call.key,
    label: call.label,
    paths: { master: call.master, scoped: call.scoped },
    master,
    scoped,
    ratioP95: scoped.client.p95 / master.client.p95,
    failures,
    lastFailure,
    unmatchedLogLines: unmatched,
    serverCpuMsPerRequest: cpuMs / sent.length,
    databaseCpuMsPerRequest: dbMs === null ? null : dbMs / sent.length,
  };
}

/** Every call asked by several clients at once. */
export interface ConcurrentResult {
  clients: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** Client time of every request, all calls. */
  all: Timing;
  /** Server time of every request (its log), all calls. */
  server: Timing;
  /** Client time by call key, both callers together. */
  byCall: Array<{ key: string; label: string; client: Timing }>;
  /** CPU time the server process used per request (see SequentialResult). */
  serverCpuMsPerRequest: number;
  /** Share of one core the server process used while the clients asked (1 = a whole core). */
  serverCoreShare: number;
  /** CPU time of the PostgreSQL backends per request; null on SQLite. */
  databaseCpuMsPerRequest: number | null;
  failures: number;
  lastFailure: string;
}

/**
 * `clients` clients, half of them master and half scoped, each asking every call in turn
 * (each starting at a different call) until it made `perClient` requests: what a few people
 * using the console at the same moment ask of one server.
 */
export async function measureConcurrent(
  httpUrl: string,
  callers: Callers,
  calls: PageCall[],
  clients: number,
  perClient: number,
  log: ServerLog,
  cpu: CpuTargets,
): Promise<ConcurrentResult> {
  const byCall = new Map<string, number[]>(calls.map((c) => [c.key, []]));
  let failures = 0;
  let lastFailure = '';
  const mark = log.mark();
  const cpuBefore = readCpuSeconds(cpu.serverPid);
  const dbBefore = cpu.database === null ? null : readDatabaseCpu(cpu.database);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, k) => {
      const who = k % 2 === 0 ? 'master' : 'scoped';
      for (let i = 0; i < perClient; i++) {
        const call = calls[(i + k * 3) % calls.length] as PageCall;
        const sample = await timeGet(httpUrl, callers[who], call[who]);
        if (sample.error !== null) {
          failures++;
          lastFailure = `${who} ${call[who]}: ${sample.error}`;
        } else byCall.get(call.key)?.push(sample.ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = readCpuSeconds(cpu.serverPid) - cpuBefore;
  const dbSeconds =
    cpu.database === null || dbBefore === null
      ? null
      : databaseCpuBetween(dbBefore, readDatabaseCpu(cpu.database));
  const requests = clients * perClient;
  const logged = await log.waitFor(mark, requests);
  return {
    clients,
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    all: timing([...byCall.values()].flat()),
    server: timing(logged.map((l) => l.responseTimeMs)),
    byCall: calls.map((c) => ({ key: c.key, label: c.label, client: timing(byCall.get(c.key) ?? []) })),
    serverCpuMsPerRequest: (cpuSeconds * 1000) / requests,
    serverCoreShare: cpuSeconds / seconds,
    databaseCpuMsPerRequest: dbSeconds === null ? null : (dbSeconds * 1000) / requests,
    failures,
    lastFailure,
  };
}
