import { loadavg } from 'node:os';
import { join } from 'node:path';
import { measureFanout } from '../support/fanout';
import { freePort, loopbackSources } from '../support/ports';
import { createBenchDatabase } from '../support/postgres-db';
import { readRssBytes } from '../support/proc-stats';
import { say, throttled } from '../support/progress';
import { MusterServerProcess } from '../support/server-process';
import { SimPool } from '../support/sim/sim-pool';
import { summarize } from '../support/stats';
import { sleep, waitUntil } from '../support/wait';
import type { CommandsBenchOptions } from './args';
import type { AgentsResult, LatencyResult } from './results';

/** The machine group every simulated agent enrolls into. */
export const AGENTS_GROUP = 'cmdbench.acme';

/** The command type the agent measurements send (no parameters). */
const COMMAND_TYPE = 'audit';

async function measureLatency(pool: SimPool, commands: number): Promise<LatencyResult> {
  const runs = await pool.latency({
    count: commands,
    timeoutMs: 10_000,
    commandType: COMMAND_TYPE,
    pick: 'any',
    node: null,
    httpUrl: null,
  });
  const samples = runs.flatMap((r) => r.samples);
  const failures = runs.reduce((n, r) => n + r.failures, 0);
  const result: LatencyResult = {
    commands: samples.length,
    failures,
    lastFailure:
      runs
        .map((r) => r.lastFailure)
        .filter(Boolean)
        .at(-1) ?? '',
    enqueueToReceiptMs: summarize(samples.map((s) => s.enqueueToReceiptMs)),
    enqueueToResponseMs: summarize(samples.map((s) => s.enqueueToResponseMs)),
    resultToAckMs: summarize(samples.map((s) => s.resultToAckMs)),
  };
  const r = result.enqueueToReceiptMs;
  say(
    `latency: ${samples.length} commands (${failures} failed), enqueue to receipt p50 ` +
      `${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms`,
  );
  return result;
}

/**
 * The agent half: a real server process, N simulated agents connected from simulator child
 * processes, then sequential single-target commands (latency) and one command fanned out to
 * every agent through a group filter.
 */
export async function runAgentsPhase(options: CommandsBenchOptions, workDir: string): Promise<AgentsResult> {
  const n = options.agents;
  const database =
    options.agentsBackend === 'postgres' ? await createBenchDatabase(options.postgresUrl) : null;
  const server = new MusterServerProcess({
    dataDir: join(workDir, 'agents-data'),
    databaseUrl: database?.url ?? '',
    httpPort: await freePort(),
    agentPort: await freePort(),
    devicePort: await freePort(),
    logFile: join(workDir, 'agents-server.log'),
    logLevel: options.logLevel,
    nodeArgs: options.serverNodeArgs,
  });
  let pool: SimPool | null = null;
  try {
    const startSeconds = await server.start();
    say(`agents: server on ${options.agentsBackend} up in ${startSeconds.toFixed(1)} s (pid ${server.pid})`);
    const api = server.api();
    const token = await api.createInstallToken(AGENTS_GROUP, n);
    pool = await SimPool.start(
      {
        mode: 'muster',
        servers: [{ host: '127.0.0.1', port: server.options.agentPort }],
        firstIndex: 0,
        count: n,
        sourceAddresses: loopbackSources(2, options.sourceAddresses),
        identity: { kind: 'enroll', token },
        hostPrefix: 'cmd',
        concurrency: options.concurrency,
        floorPeriodSeconds: 1,
        connectTimeoutMs: options.connectTimeoutMs,
        api: { httpUrl: server.httpUrl, adminToken: server.adminToken() },
      },
      options.simProcesses,
    );
    say(`agents: enrolling ${n} agents (${options.simProcesses} simulator processes)`);
    pool.connect();
    const progress = throttled(5_000);
    const enrolled = await waitUntil(
      () => pool?.status() ?? Promise.reject(new Error('no pool')),
      (s) => s.connected >= n,
      Math.max(180_000, n * 60),
      250,
      (s) => {
        server.assertRunning('enrollment');
        progress(`agents: ${s.connected}/${n} connected (failed attempts ${s.connectFailures})`);
      },
    );
    const enrollSeconds = enrolled.elapsedMs / 1000;
    say(`agents: ${enrolled.value.connected}/${n} connected in ${enrollSeconds.toFixed(1)} s`);
    await sleep(5_000);
    const connected = (await pool.status()).connected;
    const serverConnectedAgents = (await api.serverStatus()).connectedAgents;
    const serverRssBytes = readRssBytes(server.pid);

    const loadAverageAtLatency = loadavg().map((l) => Math.round(l * 100) / 100);
    const latency = await measureLatency(pool, options.latencyCommands);
    server.assertRunning('the latency run');
    await sleep(2_000);
    const fanout = await measureFanout(server, pool, AGENTS_GROUP, Math.max(120_000, n * 10));
    server.assertRunning('the fan-out');
    const final = await pool.status();
    return {
      backend: options.agentsBackend,
      requested: n,
      connected,
      serverConnectedAgents,
      enrollSeconds,
      connectFailures: final.connectFailures,
      lastError: final.lastError,
      serverRssBytes,
      loadAverageAtLatency,
      latency,
      fanout,
    };
  } finally {
    await pool?.stop();
    await server.stop();
    if (database && !options.keepDataDir) await database.drop().catch(() => undefined);
    else if (database) say(`kept database ${database.name}`);
  }
}
