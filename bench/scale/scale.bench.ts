/**
 * `npm run bench:scale [-- --agents N --nodes N]`: several real server nodes (the compiled
 * build) on one fresh PostgreSQL database, N simulated agents spread over simulator processes
 * and loopback source addresses, each agent with its primary and secondary on two different
 * nodes. Phases: connect every agent, memory per agent per node, check-ins per CPU-second,
 * command latency on one node and across nodes, a fan-out to every agent, one node killed
 * while commands flow, every node restarted at once (SIGTERM, then SIGKILL), the bare `ws` TLS
 * floor for the ratios, and 100,000 device commands by one request on SQLite and PostgreSQL.
 * Prints a table and writes bench/results/scale-<N>.json and .md; a missed target is reported
 * as MISS and does not fail the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandsArgs } from '../commands/args';
import { runDeviceBackend } from '../commands/device-phase';
import type { DeviceBackendResult } from '../commands/results';
import { benchMain } from '../support/bench-main';
import { gitRevision } from '../support/git-revision';
import { measureWindow } from '../support/load-window';
import { machineInfo } from '../support/machine-info';
import { loopbackSources } from '../support/ports';
import { type BenchDatabase, createBenchDatabase } from '../support/postgres-db';
import { say } from '../support/progress';
import { writeResultFiles } from '../support/results-files';
import { SimPool } from '../support/sim/sim-pool';
import { parseScaleArgs, type ScaleOptions, USAGE } from './args';
import { ScaleCluster } from './cluster';
import { runCommandsPhase } from './commands-phase';
import { runConnectPhase } from './connect-phase';
import { runScaleFloor } from './floor-phase';
import { runNodeLoss } from './node-loss-phase';
import { NotifyCounter } from './notify-counter';
import { formatScaleReport } from './report';
import type { ScaleResults } from './results';
import { SCALE_GROUP, seedAgents } from './seed-agents';
import { runStorm } from './storm-phase';
import { evaluateScaleTargets } from './targets';

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** Runs one phase; a failure is recorded and the run goes on to write what it has. */
async function phase<T>(name: string, errors: string[], work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    const message = `${name}: ${(error as Error).message}`;
    errors.push(message);
    say(`failed: ${message}`);
    return null;
  }
}

async function run(o: ScaleOptions): Promise<void> {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'muster-scale-'));
  const errors: string[] = [];
  const partial: Omit<ScaleResults, 'targets' | 'durationSeconds'> = {
    benchmark: 'scale',
    machine: machineInfo(workDir),
    revision: gitRevision(),
    commandLine: process.argv.slice(2).join(' '),
    config: {
      agents: o.agents,
      nodes: o.nodes,
      simProcesses: o.simProcesses,
      sourceAddresses: o.sourceAddresses,
      concurrency: o.concurrency,
      periodSeconds: o.periodSeconds,
      windowSeconds: o.windowSeconds,
      latencyCommands: o.latencyCommands,
      flowPerSecond: o.flowPerSecond,
      devices: o.devices,
      serverLogLevel: o.logLevel,
    },
    loadAverage: { atStart: load(), atEnd: [] },
    seedSeconds: 0,
    nodeStartSeconds: [],
    connect: null,
    checkin: null,
    storms: [],
    nodeLoss: null,
    commands: null,
    devices: [],
    floor: null,
    errors,
  };
  let database: BenchDatabase | null = null;
  let cluster: ScaleCluster | null = null;
  let pool: SimPool | null = null;
  let notify: NotifyCounter | null = null;
  try {
    database = await createBenchDatabase(o.postgresUrl);
    const db = database;
    say(`database ${db.name}; starting ${o.nodes} nodes (work dir ${workDir})`);
    const c = await ScaleCluster.create({
      nodes: o.nodes,
      databaseUrl: db.url,
      workDir,
      logLevel: o.logLevel,
      nodeArgs: o.serverNodeArgs,
    });
    cluster = c;
    partial.nodeStartSeconds = await c.startAll();
    say(`nodes up: pids ${c.pids.join(' ')}`);
    const seed = randomBytes(8).toString('hex');
    partial.seedSeconds = await seedAgents(db.url, seed, o.agents, c.agentAddresses, o.periodSeconds, say);
    await c.first.api().setCheckinPolicy(SCALE_GROUP, 1, 86_400);
    notify = await NotifyCounter.start(db.url);
    const bus = notify;
    say(`starting ${o.simProcesses} simulator processes for ${o.agents} agents`);
    const p = await SimPool.start(
      {
        mode: 'muster',
        servers: c.agentAddresses,
        firstIndex: 0,
        count: o.agents,
        sourceAddresses: loopbackSources(3, o.sourceAddresses),
        identity: { kind: 'seeded', seed },
        hostPrefix: 'scale',
        concurrency: o.concurrency,
        floorPeriodSeconds: o.periodSeconds,
        connectTimeoutMs: o.connectTimeoutMs,
        api: { httpUrl: c.first.httpUrl, adminToken: c.first.adminToken() },
      },
      o.simProcesses,
      o.simNodeArgs,
    );
    pool = p;
    partial.connect = await runConnectPhase(c, p, o.agents, bus);
    partial.checkin = await phase('check-in window', errors, async () => {
      const span = bus.span();
      say(`measuring ${o.windowSeconds} s of check-ins on every node`);
      const window = await measureWindow(
        { pids: c.pids, pool: p, periodSeconds: o.periodSeconds },
        o.windowSeconds,
      );
      return { window, notify: span() };
    });
    if (!o.skipCommands)
      partial.commands = await phase('commands', errors, () =>
        runCommandsPhase(c, p, o.agents, o.latencyCommands, bus),
      );
    if (!o.skipNodeLoss)
      partial.nodeLoss = await phase('node loss', errors, () =>
        runNodeLoss(
          c,
          p,
          {
            agents: o.agents,
            periodSeconds: o.periodSeconds,
            flowPerSecond: o.flowPerSecond,
            databaseUrl: db.url,
          },
          bus,
        ),
      );
    if (!o.skipRestart) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const storm = await phase(`${signal} storm`, errors, () =>
          runStorm(signal, c, p, db.url, o.agents, Math.max(180, o.agents / 100), bus),
        );
        if (storm) partial.storms.push(storm);
      }
    }
  } catch (error) {
    errors.push((error as Error).message);
    say(`failed: ${(error as Error).message}`);
  } finally {
    await pool?.stop();
    if (cluster) await Promise.all(cluster.nodes.map((n) => n.stop(30_000)));
    await notify?.stop();
    if (database && !o.keepDataDir) await database.drop().catch(() => undefined);
    else if (database) say(`kept database ${database.name}`);
  }
  if (!o.skipFloor) {
    partial.floor = await phase('floor', errors, () =>
      runScaleFloor({
        connections: Math.ceil(o.agents / o.nodes),
        periodSeconds: o.periodSeconds,
        windowSeconds: o.windowSeconds,
        simProcesses: o.simProcesses,
        sourceAddresses: o.sourceAddresses,
        concurrency: o.concurrency,
        connectTimeoutMs: o.connectTimeoutMs,
      }),
    );
  }
  if (!o.skipDevices) {
    const deviceOptions = parseCommandsArgs([
      '--devices',
      String(o.devices),
      '--finished',
      '1000',
      '--drain-rounds',
      '1',
      '--drain-commands',
      '1',
      '--postgres-url',
      o.postgresUrl,
      '--log-level',
      o.logLevel,
      ...(o.keepDataDir ? ['--keep'] : []),
    ]);
    if (deviceOptions !== 'help') {
      for (const backend of ['sqlite', 'postgres'] as const) {
        const result: DeviceBackendResult = await runDeviceBackend(backend, deviceOptions, workDir);
        partial.devices.push(result);
      }
    }
  }
  partial.loadAverage.atEnd = load();
  const results: ScaleResults = {
    ...partial,
    targets: evaluateScaleTargets(partial),
    durationSeconds: (performance.now() - started) / 1000,
  };
  const report = formatScaleReport(results);
  process.stdout.write(`\n${report}\n\n`);
  const written = writeResultFiles(results, {
    dir: o.outDir,
    name: o.name,
    title: `Scale benchmark, ${o.agents.toLocaleString('en-US')} agents on ${o.nodes} nodes`,
    script: 'bench:scale',
    commandLine: results.commandLine,
    report,
  });
  say(`wrote ${written.json} and ${written.md}`);
  if (o.keepDataDir) say(`kept ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

await benchMain('bench:scale', USAGE, () => parseScaleArgs(process.argv.slice(2)), run);
