import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerAddress } from '@muster/protocol';
import { ScaleCluster } from '../scale/cluster';
import { SCALE_GROUP, seedAgents } from '../scale/seed-agents';
import { benchMain } from '../support/bench-main';
import { stopChild } from '../support/children';
import { gitRevision } from '../support/git-revision';
import { machineInfo } from '../support/machine-info';
import { type BenchDatabase, createBenchDatabase } from '../support/postgres-db';
import { writeResultFiles } from '../support/results-files';
import { SimPool } from '../support/sim/sim-pool';
import { waitUntil } from '../support/wait';
import { type BenchAgent, startBenchAgent } from './agent-process';
import { parseTerminalArgs, TERMINALS_PER_AGENT, type TerminalOptions, USAGE } from './args';
import { type CatResult, runCatPhase, writeCatFile } from './cat-phase';
import { useClientHeapGrowth } from './client-heap';
import { assertCompiledBuildFresh } from './compiled-build';
import { runEchoPhase } from './echo-phase';
import { runMemoryPhase } from './memory-phase';
import { summarizeProfiles } from './profile-summary';
import { formatTerminalReport } from './report';
import type { TerminalResults } from './results';
import { gcSignalNodeArgs, METRICS_TOKEN } from './settled-memory';
import { evaluateTerminalTargets } from './targets';
import { TerminalSocket } from './terminal-socket';

const say = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** Runs one phase; a failure is recorded and the run goes on to the next. */
async function phase<T>(name: string, errors: string[], work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    errors.push(`${name}: ${(error as Error).message}`);
    say(`${name} failed: ${(error as Error).message}`);
    return null;
  }
}

async function run(o: TerminalOptions): Promise<void> {
  assertCompiledBuildFresh();
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'muster-bench-terminal-'));
  const profileDir = join(workDir, 'profiles');
  const snapshotDir = join(workDir, 'snapshots');
  mkdirSync(snapshotDir);
  // The servers answer GET /metrics with this token (the memory figure reads V8's heap there).
  process.env.MUSTER_METRICS_TOKEN = METRICS_TOKEN;
  const errors: string[] = [];
  const partial: Omit<TerminalResults, 'targets' | 'durationSeconds'> = {
    benchmark: 'terminal',
    machine: machineInfo(workDir),
    revision: gitRevision(),
    commandLine: process.argv.slice(2).join(' '),
    config: {
      keystrokes: o.keystrokes,
      catMiB: o.catMiB,
      crowd: o.crowd,
      periodSeconds: o.periodSeconds,
      baselineSeconds: o.baselineSeconds,
      lateMs: o.lateMs,
      terminals: o.terminals,
      cpuProfile: o.cpuProfile,
      serverLogLevel: o.logLevel,
    },
    loadAverage: { atStart: load(), atEnd: [] },
    echo: [],
    memory: null,
    cat: null,
    profiles: [],
    errors,
  };
  let database: BenchDatabase | null = null;
  let cluster: ScaleCluster | null = null;
  const agents: BenchAgent[] = [];
  let pool: SimPool | null = null;
  try {
    database = await createBenchDatabase(o.postgresUrl);
    const c = await ScaleCluster.create({
      nodes: 2,
      databaseUrl: database.url,
      workDir,
      logLevel: o.logLevel,
      nodeArgs: [
        ...(o.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        ...gcSignalNodeArgs(snapshotDir),
        ...o.serverNodeArgs,
      ],
    });
    cluster = c;
    say(`database ${database.name}; starting 2 nodes (work dir ${workDir})`);
    await c.startAll();
    const [near, far] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    const [nearAddress, farAddress] = c.agentAddresses;
    // The agents: the compiled `muster agent`, primary node 0. One is timed; the others only
    // hold terminals for the memory figure, since one agent allows TERMINALS_PER_AGENT at once.
    const extraAgents = Math.ceil(o.terminals / TERMINALS_PER_AGENT) - 1;
    const token = await near.api().createInstallToken('term.bench', 1 + extraAgents);
    const place = [nearAddress, farAddress] as [ServerAddress, ServerAddress];
    const a = await startBenchAgent(workDir, 'agent', token, ...place);
    agents.push(a);
    const machine = a.machineId;
    for (let i = 1; i <= extraAgents; i++)
      agents.push(await startBenchAgent(workDir, `agent-${i}`, token, ...place));
    const online = await waitUntil(
      () => near.api().serverStatus(),
      (st) => st.connectedAgents >= agents.length,
      60_000,
      200,
    );
    if (!online.done)
      throw new Error(`only ${online.value.connectedAgents}/${agents.length} agents on node 0`);
    say(`${agents.length} agents on node 0; the timed one is ${machine} (pid ${a.pid})`);
    const openOn = (node: typeof near, machineId: string) =>
      TerminalSocket.open(node.httpUrl, node.adminToken(), machineId);
    const open = (node: typeof near) => openOn(node, machine);
    // The other node finds the agent through the store, where its node is written a moment
    // after it connects: until then that node answers 409 (agent not connected).
    const located = await waitUntil(
      () =>
        open(far).then(
          (t) => t.close().then(() => 'ok'),
          (e: Error) => e.message,
        ),
      (outcome) => outcome === 'ok' || !outcome.includes('HTTP 409'),
      60_000,
      500,
    );
    say(`node 1 relays to the agent after ${(located.elapsedMs / 1000).toFixed(1)} s: ${located.value}`);

    for (const [path, node] of [
      ['same-node', near],
      ['other-node', far],
    ] as const) {
      const result = await phase(`echo ${path}`, errors, async () => {
        say(
          `echo: ${o.keystrokes} keystrokes, client on ${path === 'same-node' ? 'node 0 (the agent’s)' : 'node 1 (relayed)'}`,
        );
        const t = await open(node);
        try {
          await t.waitForControl('opened');
          return await runEchoPhase(t, path, o.keystrokes);
        } finally {
          await t.close();
        }
      });
      if (result) partial.echo.push(result);
    }

    partial.memory = await phase('memory', errors, () => {
      say(`memory: ${o.terminals} idle terminals on node 0`);
      let next = 0;
      return runMemoryPhase(
        { pid: near.pid, httpUrl: near.httpUrl },
        snapshotDir,
        () => openOn(near, (agents[next++ % agents.length] as BenchAgent).machineId),
        o.terminals,
      );
    });

    partial.cat = await phase('cat', errors, async () => {
      const file = join(workDir, 'cat.bin');
      const bytes = Math.round(o.catMiB * 1048576);
      writeCatFile(file, bytes);
      let crowd = null;
      if (o.crowd > 0) {
        const db = database as BenchDatabase;
        const seed = randomBytes(8).toString('hex');
        await seedAgents(
          db.url,
          seed,
          o.crowd,
          [nearAddress as NonNullable<typeof nearAddress>],
          o.periodSeconds,
          say,
        );
        await near.api().setCheckinPolicy(SCALE_GROUP, 1, 86_400);
        say(`crowd: ${o.crowd} simulated agents on node 0, check-in every ${o.periodSeconds} s`);
        const p = await SimPool.start(
          {
            mode: 'muster',
            servers: [nearAddress as NonNullable<typeof nearAddress>],
            firstIndex: 0,
            count: o.crowd,
            sourceAddresses: ['127.0.0.1'],
            identity: { kind: 'seeded', seed },
            hostPrefix: 'term',
            concurrency: 100,
            floorPeriodSeconds: o.periodSeconds,
            connectTimeoutMs: 30_000,
            api: null,
          },
          1,
        );
        pool = p;
        p.connect();
        const connected = await waitUntil(
          () => p.status(),
          (s) => s.connected >= o.crowd,
          120_000,
          500,
        );
        if (!connected.done)
          throw new Error(`only ${connected.value.connected}/${o.crowd} simulated agents connected`);
        // Let every agent's first check-in pass before the baseline.
        await new Promise((r) => setTimeout(r, o.periodSeconds * 1000));
        crowd = { pool: p, lateMs: o.lateMs, baselineSeconds: o.baselineSeconds };
      }
      const t = await open(near);
      let result: CatResult;
      try {
        await t.waitForControl('opened');
        result = await runCatPhase(
          t,
          { path: file, bytes, runs: o.catRuns },
          { server: near.pid, otherServer: far.pid, agent: a.pid },
          crowd,
          say,
        );
      } finally {
        await t.close();
      }
      // What the server counted for the session, against what the client received.
      const id = (await t.waitForControl('session')).id as string;
      const stored = await waitUntil(
        async () =>
          (
            await near.api().request<{
              items: Array<{ id: string; live: boolean; bytesOut: number; recordingBytes: number }>;
            }>('GET', `/terminal-sessions?machineId=${encodeURIComponent(machine)}`)
          ).items.find((s) => s.id === id && !s.live) ?? null,
        (s) => s !== null,
        30_000,
        500,
      );
      result.sessionBytesOut = stored.value?.bytesOut ?? null;
      result.recordingBytes = stored.value?.recordingBytes ?? null;
      return result;
    });
  } catch (error) {
    errors.push((error as Error).message);
    say(`failed: ${(error as Error).message}`);
  } finally {
    await (pool as SimPool | null)?.stop();
    await Promise.all(agents.map((g) => stopChild(g.child, 10_000, 'SIGTERM')));
    if (cluster) await Promise.all(cluster.nodes.map((n) => n.stop(30_000)));
    if (database && !o.keepDataDir) await database.drop().catch(() => undefined);
    else if (database) say(`kept database ${database.name}`);
  }
  if (o.cpuProfile) partial.profiles = summarizeProfiles(profileDir);
  partial.loadAverage.atEnd = load();
  const results: TerminalResults = {
    ...partial,
    targets: evaluateTerminalTargets(partial),
    durationSeconds: (performance.now() - started) / 1000,
  };
  const report = formatTerminalReport(results);
  process.stdout.write(`\n${report}\n\n`);
  const written = writeResultFiles(results, {
    dir: o.outDir,
    name: o.name,
    title:
      'Remote terminal benchmark: keystroke echo, cat throughput beside 1,000 agents, memory per terminal',
    script: 'bench:terminal',
    commandLine: results.commandLine,
    report,
  });
  say(`wrote ${written.json} and ${written.md}`);
  if (o.keepDataDir) say(`kept ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

useClientHeapGrowth();
await benchMain('bench:terminal', USAGE, () => parseTerminalArgs(process.argv.slice(2)), run);
