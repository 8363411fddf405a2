/**
 * bench:memory — where a connected agent's server memory goes. One compiled server on SQLite
 * takes agents in equal steps; at the start and after each step it records its RSS (private and
 * file-backed) and writes a V8 heap snapshot, whose census says what of the growth is the
 * JavaScript heap and under which constructor; the rest of the growth is outside the JS heap
 * (OpenSSL's connection state and buffers, libuv, malloc). Issue 12 asks to know each KiB.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRssSplit } from '../footprint/page-cache';
import { positiveOption } from '../support/args';
import { benchMain } from '../support/bench-main';
import { gitRevision } from '../support/git-revision';
import { machineInfo } from '../support/machine-info';
import { freePort, loopbackSources } from '../support/ports';
import { say } from '../support/progress';
import { serverMetrics } from '../support/server-metrics';
import { MusterServerProcess } from '../support/server-process';
import { SimPool } from '../support/sim/sim-pool';
import { sleep, waitUntil } from '../support/wait';
import { type HeapCensus, heapCensusOfFile, perAgentGrowth } from './heap-census';

/** How a run is sized. */
interface MemoryOptions {
  agents: number;
  steps: number;
  settleSeconds: number;
  name: string;
  outDir: string;
  maxMinutes: number;
}

const USAGE = `npm run bench:memory -- [options]
  --agents N        agents connected at the end (default 9000; one process holds < 20,000 files)
  --steps N         equal steps to get there, each measured (default 3)
  --settle S        seconds left alone after each step before measuring (default 20)
  --name NAME       results file base name (default memory-<agents>)
  --out DIR         results directory (default bench/results)
  --max-minutes M   abort after M minutes (default 30)`;

function parse(argv: string[]): MemoryOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string' },
      steps: { type: 'string' },
      settle: { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
      'max-minutes': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  // Counts: whole numbers, on top of the shared check that an option is a positive number.
  const positive = (name: string, text: string | undefined, fallback: number) =>
    Math.floor(positiveOption(name, text, fallback));
  const agents = positive('agents', values.agents, 9000);
  if (agents > 18_000)
    throw new Error('--agents must stay below 18,000: one process may hold 20,000 open files here');
  return {
    agents,
    steps: positive('steps', values.steps, 3),
    settleSeconds: positive('settle', values.settle, 20),
    name: values.name ?? `memory-${agents}`,
    outDir: values.out ?? 'bench/results',
    maxMinutes: positive('max-minutes', values['max-minutes'], 30),
  };
}

/** One measurement: after `agents` were connected and left alone. */
interface MemoryStep {
  agents: number;
  /** Measured in a second process after a restart, every agent back with its identity (no enrollment). */
  afterRestart?: boolean;
  rssBytes: number;
  anonBytes: number;
  fileBytes: number;
  /** Live JS heap objects (the snapshot's census, after its garbage collection). */
  heapBytes: number;
  /** V8's own figures just before the snapshot (the server's /metrics, prom-client). */
  v8: V8Figures;
  census: Record<string, number>;
}

/** What the process's V8 reports of its memory. */
interface V8Figures {
  /** Heap memory V8 has committed, live objects or not. */
  heapTotalBytes: number;
  heapUsedBytes: number;
  /** Memory of C++ objects bound to JS objects, ArrayBuffers' backing stores included. */
  externalBytes: number;
}

/** The token bench:memory gives the server for GET /metrics. */
const METRICS_TOKEN = 'bench-memory-metrics-token-0123456789abcdef';

/** Reads V8's heap and external memory from the server's /metrics. */
async function v8Figures(httpUrl: string): Promise<V8Figures> {
  const value = await serverMetrics(httpUrl, METRICS_TOKEN);
  return {
    heapTotalBytes: value('nodejs_heap_size_total_bytes'),
    heapUsedBytes: value('nodejs_heap_size_used_bytes'),
    externalBytes: value('nodejs_external_memory_bytes'),
  };
}

const KIB = 1024;
const kib = (bytes: number) => `${(bytes / KIB).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const total = (census: HeapCensus) => [...census.values()].reduce((a, b) => a + b, 0);

/**
 * Sends SIGUSR2 and waits for the snapshot file it writes to be complete; returns its path. The
 * process writes it on its main thread, so once it answers an API call again the file is whole.
 */
async function heapSnapshot(pid: number, dir: string, answers: () => Promise<unknown>): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const file = await waitUntil(
    async () => readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot')) ?? null,
    (f) => f !== null,
    120_000,
    250,
  );
  const path = join(dir, file.value as string);
  await answers();
  let size = -1;
  while (statSync(path).size !== size) {
    size = statSync(path).size;
    await sleep(1000);
  }
  return path;
}

async function run(o: MemoryOptions): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'muster-memory-'));
  // The server reads it from its environment (config metricsToken) and serves /metrics with it.
  process.env.MUSTER_METRICS_TOKEN = METRICS_TOKEN;
  const snapshots = join(workDir, 'snapshots');
  mkdirSync(snapshots);
  const machine = machineInfo(workDir);
  const server = new MusterServerProcess({
    dataDir: join(workDir, 'data'),
    httpPort: await freePort(),
    agentPort: await freePort(),
    logFile: join(workDir, 'server.log'),
    logLevel: 'warn',
    nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`],
  });
  const pools: SimPool[] = [];
  const steps: MemoryStep[] = [];
  try {
    await server.start();
    const api = server.api();
    const token = await api.createInstallToken('memory.acme', o.agents);
    const measure = async (agents: number, afterRestart = false) => {
      await sleep(o.settleSeconds * 1000);
      const v8 = await v8Figures(server.httpUrl);
      const split = readRssSplit(server.pid);
      const file = await heapSnapshot(server.pid, snapshots, () => api.serverStatus());
      const census = heapCensusOfFile(file);
      rmSync(file);
      steps.push({
        agents,
        ...(afterRestart ? { afterRestart } : {}),
        rssBytes: split.anonBytes + split.fileBytes,
        anonBytes: split.anonBytes,
        fileBytes: split.fileBytes,
        heapBytes: total(census),
        v8,
        census: Object.fromEntries(census),
      });
      say(
        `${agents} agents: RSS ${mib(split.anonBytes + split.fileBytes)}, JS heap objects ${mib(total(census))}`,
      );
    };
    await measure(0);
    const share = Math.ceil(o.agents / o.steps);
    for (let first = 0; first < o.agents; first += share) {
      const count = Math.min(share, o.agents - first);
      const pool = await SimPool.start(
        {
          mode: 'muster',
          servers: [{ host: '127.0.0.1', port: server.options.agentPort }],
          firstIndex: first,
          count,
          sourceAddresses: loopbackSources(first / share, Math.max(8, Math.ceil(count / 500))),
          identity: { kind: 'enroll', token },
          hostPrefix: 'mem',
          concurrency: 200,
          floorPeriodSeconds: 30,
          connectTimeoutMs: 60_000,
          api: null,
        },
        1,
      );
      pools.push(pool);
      pool.connect();
      await waitUntil(
        () => pool.status(),
        (s) => s.connected >= count,
        Math.max(120_000, count * 50),
        500,
        () => server.assertRunning('the enrollment'),
      );
      await measure(first + count);
    }
    // The same agents again in a new process: they reconnect with the identity they enrolled
    // with, so what the enrollment burst left behind is not in this figure.
    await server.stop();
    await server.start();
    say('server restarted; waiting for every agent to be back');
    await waitUntil(
      async () => (await Promise.all(pools.map((p) => p.status()))).reduce((n, s) => n + s.connected, 0),
      (connected) => connected >= o.agents,
      Math.max(180_000, o.agents * 50),
      1000,
      () => server.assertRunning('the reconnection'),
    );
    await measure(o.agents, true);
  } finally {
    for (const pool of pools) await pool.stop();
    await server.stop();
  }
  const report = markdown(o, steps, machine, gitRevision());
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(
    join(o.outDir, `${o.name}.json`),
    `${JSON.stringify({ machine, options: o, steps }, null, 2)}\n`,
  );
  writeFileSync(join(o.outDir, `${o.name}.md`), report);
  console.log(report);
  rmSync(workDir, { recursive: true, force: true });
}

/** The report: each step, then each step's growth per agent split into the heap's categories and the rest. */
function markdown(
  o: MemoryOptions,
  steps: MemoryStep[],
  machine: ReturnType<typeof machineInfo>,
  revision: string,
): string {
  const lines: string[] = [
    `# Server memory per connected agent, ${o.agents.toLocaleString('en-US')} agents in ${o.steps} steps`,
    '',
    `Produced by \`npm run bench:memory -- --agents ${o.agents} --steps ${o.steps}\` at ${revision}; raw numbers in ${o.name}.json.`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.nodeVersion}, ${machine.date}; load average ${machine.loadAverageAtStart.join(' ')} at start.`,
    "One compiled server on SQLite; simulated agents (the agent's own connection code, one simulator process per step) enroll and stay connected on a 30 s check-in period. Each measurement follows " +
      `${o.settleSeconds} s left alone: RSS from /proc/<pid>/status (RssAnon, RssFile), then a V8 heap snapshot (which collects garbage first) summed by constructor.`,
    '',
    '```',
    'Agents   RSS          private      file-backed  V8 heap committed  V8 heap used  V8 external  JS heap objects',
  ];
  for (const s of steps)
    lines.push(
      `${`${s.agents}${s.afterRestart ? '*' : ''}`.padEnd(8)} ${mib(s.rssBytes).padEnd(12)} ${mib(s.anonBytes).padEnd(12)} ${mib(s.fileBytes).padEnd(12)} ` +
        `${mib(s.v8.heapTotalBytes).padEnd(18)} ${mib(s.v8.heapUsedBytes).padEnd(13)} ${mib(s.v8.externalBytes).padEnd(12)} ${mib(s.heapBytes)}`,
    );
  lines.push(
    '```',
    '',
    "`*`: after a restart of the server, every agent back with the identity it enrolled with (no enrollment); its growth is counted from the first process's start (the row with 0 agents).",
    '',
  );
  for (let i = 1; i < steps.length; i++) {
    const a = (steps[i]?.afterRestart ? steps[0] : steps[i - 1]) as MemoryStep;
    const b = steps[i] as MemoryStep;
    const added = b.agents - a.agents;
    const rss = (b.rssBytes - a.rssBytes) / added;
    const heap = (b.heapBytes - a.heapBytes) / added;
    const growth = perAgentGrowth(
      new Map(Object.entries(a.census)),
      new Map(Object.entries(b.census)),
      added,
    );
    const committed = (b.v8.heapTotalBytes - a.v8.heapTotalBytes) / added;
    const external = (b.v8.externalBytes - a.v8.externalBytes) / added;
    lines.push(
      `## ${b.afterRestart ? 'After the restart, ' : ''}From ${a.agents.toLocaleString('en-US')} to ${b.agents.toLocaleString('en-US')} agents: ${kib(rss)} of RSS per agent`,
      '',
      `- JS heap objects: ${kib(heap)} per agent; V8's heap committed grew ${kib(committed)} per agent (live objects and the free room between them), V8's external memory ${kib(external)}.`,
      `- Outside V8's heap and external memory (OpenSSL's connection state and buffers, libuv, malloc's own overhead): ${kib(rss - committed - external)} per agent.`,
      `- Private memory ${kib((b.anonBytes - a.anonBytes) / added)}, file-backed ${kib((b.fileBytes - a.fileBytes) / added)} per agent.`,
      '- The heap objects by what holds them (per agent, the largest; negative: fewer than before):',
      '',
      '```',
      ...growth.slice(0, 20).map((g) => `${kib(g.bytesPerAgent).padStart(12)}  ${g.category}`),
      '```',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

await benchMain('bench:memory', USAGE, () => parse(process.argv.slice(2)), run);
