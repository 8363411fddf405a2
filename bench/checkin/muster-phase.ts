import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureWindow } from '../support/load-window';
import { freePort, loopbackSources } from '../support/ports';
import { readCpuSeconds, sampleProcess } from '../support/proc-stats';
import { say, throttled } from '../support/progress';
import { MusterServerProcess } from '../support/server-process';
import { SimPool } from '../support/sim/sim-pool';
import { sleep, waitUntil } from '../support/wait';
import type { BenchOptions } from './args';
import type { MemoryResult, MusterResult, RestartResult } from './results';

/** The machine group every simulated agent enrolls into. */
export const BENCH_GROUP = 'bench.acme';
const SETTLE_MS = 5_000;

function serverWarnings(logFile: string): { count: number; samples: string[] } {
  let lines: string[] = [];
  try {
    lines = readFileSync(logFile, 'utf8').split('\n');
  } catch {
    return { count: 0, samples: [] };
  }
  const warnings = lines.filter((line) => {
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 40; // pino: warn is 40
    } catch {
      return false;
    }
  });
  return { count: warnings.length, samples: warnings.slice(0, 5).map((l) => l.slice(0, 400)) };
}

/**
 * Sets every bench agent's period through the API (PUT /checkin-control) and waits until the
 * agents have it (pushed by the server, acknowledged by the agents).
 */
async function changePeriod(
  server: MusterServerProcess,
  pool: SimPool,
  periodSeconds: number,
  agents: number,
): Promise<{ apiSeconds: number; appliedSeconds: number; applied: number }> {
  const started = performance.now();
  await server.api().setPeriod(`*.${BENCH_GROUP}`, periodSeconds);
  const apiSeconds = (performance.now() - started) / 1000;
  const key = String(periodSeconds);
  const applied = await waitUntil(
    () => pool.status(),
    (s) => (s.periods[key] ?? 0) >= agents,
    120_000,
    250,
  );
  const appliedSeconds = (performance.now() - started) / 1000;
  const count = applied.value.periods[key] ?? 0;
  say(
    `period ${key} s: API ${apiSeconds.toFixed(1)} s, on ${count} agents after ${appliedSeconds.toFixed(1)} s`,
  );
  return { apiSeconds, appliedSeconds, applied: count };
}

async function restart(
  server: MusterServerProcess,
  pool: SimPool,
  options: BenchOptions,
): Promise<RestartResult> {
  let before = await pool.status();
  if (options.restartPeriodSeconds !== options.periodSeconds) {
    await changePeriod(server, pool, options.restartPeriodSeconds, before.connected);
    await sleep(2_000);
    before = await pool.status();
  }
  await pool.mark();
  const killedAt = performance.now();
  say(`restart: SIGTERM to the server with ${before.connected} agents connected`);
  const stopped = await server.stop(60_000);
  say(
    `restart: old server gone after ${stopped.seconds.toFixed(1)} s (graceful: ${stopped.exitedGracefully})`,
  );
  const spawnedAt = performance.now();
  const startSeconds = await server.start();
  say(`restart: new server answering after ${startSeconds.toFixed(1)} s`);
  const progress = throttled(5_000);
  const timeline: Array<[number, number]> = [];
  let allAt: number | null = null;
  const outcome = await waitUntil(
    () => pool.status(),
    (s) => s.welcomedSinceMark >= before.connected,
    options.restartTimeoutSeconds * 1000 - (performance.now() - killedAt),
    100,
    (s) => {
      server.assertRunning('the restart');
      const t = Math.round((performance.now() - killedAt) / 100) / 10;
      const last = timeline[timeline.length - 1];
      if (!last || t - last[0] >= 5) timeline.push([t, s.welcomedSinceMark]);
      progress(
        `restart: ${s.welcomedSinceMark}/${before.connected} welcomed again` +
          (s.stale > 0 ? ` (${s.stale} simulator(s) too busy to answer; last known counts)` : ''),
      );
    },
  );
  if (outcome.done) allAt = performance.now();
  timeline.push([Math.round((performance.now() - killedAt) / 100) / 10, outcome.value.welcomedSinceMark]);
  const cpuUntilBack = readCpuSeconds(server.pid);
  say(
    `restart: ${outcome.value.welcomedSinceMark}/${before.connected} back` +
      (allAt ? ` ${((allAt - killedAt) / 1000).toFixed(1)} s after SIGTERM` : ' (time limit reached)'),
  );
  await sleep(SETTLE_MS);
  const api = server.api();
  const status = await api.serverStatus();
  const rssAfterBytes = sampleProcess(server.pid).rssBytes;
  return {
    periodSeconds: options.restartPeriodSeconds,
    agentsBefore: before.connected,
    shutdownSeconds: stopped.seconds,
    exitedGracefully: stopped.exitedGracefully,
    startSeconds,
    reconnected: outcome.value.welcomedSinceMark,
    reconnectSecondsFromStart: allAt ? (allAt - spawnedAt) / 1000 : null,
    totalSeconds: allAt ? (allAt - killedAt) / 1000 : null,
    serverConnectedAgents: status.connectedAgents,
    rssAfterBytes,
    failedAttempts: outcome.value.connectFailures - before.connectFailures,
    serverCpuSeconds: cpuUntilBack,
    serverCpuMsPerReconnect:
      outcome.value.welcomedSinceMark > 0
        ? (cpuUntilBack * 1000) / outcome.value.welcomedSinceMark
        : Number.NaN,
    timeline,
  };
}

/**
 * Runs the Muster half: a real server process on a fresh data directory, N simulated agents
 * enrolling with one install token, the short period forced through the API, a sustained
 * window, and a restart on the same data directory and port.
 */
export async function runMusterPhase(options: BenchOptions, workDir: string): Promise<MusterResult> {
  const n = options.agents;
  const server = new MusterServerProcess({
    dataDir: join(workDir, 'data'),
    httpPort: await freePort(),
    agentPort: await freePort(),
    logFile: join(workDir, 'server.log'),
    logLevel: options.logLevel,
    nodeArgs: options.serverNodeArgs,
  });
  let pool: SimPool | null = null;
  try {
    const serverStartSeconds = await server.start();
    say(
      `muster server up in ${serverStartSeconds.toFixed(1)} s (pid ${server.pid}, logs ${workDir}/server.log)`,
    );
    const api = server.api();
    const token = await api.createInstallToken(BENCH_GROUP, n);
    await api.setCheckinPolicy(BENCH_GROUP, 1, 86_400);
    await sleep(2_000);
    const baseline = sampleProcess(server.pid);

    pool = await SimPool.start(
      {
        mode: 'muster',
        servers: [{ host: '127.0.0.1', port: server.options.agentPort }],
        firstIndex: 0,
        count: n,
        sourceAddresses: loopbackSources(0, options.sourceAddresses),
        identity: { kind: 'enroll', token },
        hostPrefix: 'sim',
        concurrency: options.concurrency,
        floorPeriodSeconds: options.periodSeconds,
        connectTimeoutMs: options.connectTimeoutMs,
        api: null,
      },
      options.simProcesses,
    );
    say(
      `enrolling ${n} agents (${options.concurrency} in flight, ${options.simProcesses} simulator processes)`,
    );
    pool.connect();
    const progress = throttled(5_000);
    const enrolled = await waitUntil(
      () => pool?.status() ?? Promise.reject(new Error('no pool')),
      (s) => s.connected >= n,
      Math.max(180_000, n * 60),
      250,
      (s) => {
        server.assertRunning('enrollment');
        progress(`enrolled ${s.connected}/${n} (failed attempts ${s.connectFailures})`);
      },
    );
    const enrollSeconds = enrolled.elapsedMs / 1000;
    const enrollCpuSeconds = readCpuSeconds(server.pid) - baseline.cpuSeconds;
    say(`enrolled ${enrolled.value.connected}/${n} in ${enrollSeconds.toFixed(1)} s`);
    await sleep(SETTLE_MS);
    const connectedSample = sampleProcess(server.pid);
    const afterEnroll = await pool.status();
    const serverConnectedAgents = (await api.serverStatus()).connectedAgents;
    const memory: MemoryResult = {
      baselineBytes: baseline.rssBytes,
      connectedBytes: connectedSample.rssBytes,
      perConnectionBytes:
        afterEnroll.connected > 0
          ? (connectedSample.rssBytes - baseline.rssBytes) / afterEnroll.connected
          : Number.NaN,
    };
    say(
      `server RSS ${(baseline.rssBytes / 2 ** 20).toFixed(0)} MiB -> ${(connectedSample.rssBytes / 2 ** 20).toFixed(0)} MiB`,
    );

    const periodChange = await changePeriod(server, pool, options.periodSeconds, afterEnroll.connected);
    await sleep(options.warmupSeconds * 1000);
    server.assertRunning('the warm-up');
    say(`measuring ${options.windowSeconds} s of check-ins`);
    const window = await measureWindow(
      { pids: [server.pid], pool, periodSeconds: options.periodSeconds },
      options.windowSeconds,
    );
    say(
      `muster: ${window.checkinsPerSecond.toFixed(0)} check-ins/s, ${(window.cpuSecondsPerCheckin * 1e6).toFixed(1)} µs CPU each, server ${window.serverCores.toFixed(2)} cores`,
    );

    server.assertRunning('the check-in window');
    const restarted = options.skipRestart ? null : await restart(server, pool, options);
    const final = await pool.status();
    return {
      agentsRequested: n,
      connected: afterEnroll.connected,
      serverConnectedAgents,
      enrollSeconds,
      enrollPerSecond: afterEnroll.everConnected / enrollSeconds,
      enrollServerCpuMsPerAgent:
        afterEnroll.everConnected > 0 ? (enrollCpuSeconds * 1000) / afterEnroll.everConnected : Number.NaN,
      connectFailures: final.connectFailures,
      lastError: final.lastError,
      serverStartSeconds,
      memory,
      periodChange,
      window,
      restart: restarted,
      serverWarnings: serverWarnings(server.options.logFile),
    };
  } finally {
    await pool?.stop();
    await server.stop(30_000);
  }
}
