import { FloorServerProcess } from '../support/floor/floor-process';
import { measureWindow } from '../support/load-window';
import { REPO_ROOT } from '../support/paths';
import { loopbackSources } from '../support/ports';
import { sampleProcess } from '../support/proc-stats';
import { say, throttled } from '../support/progress';
import { SimPool } from '../support/sim/sim-pool';
import { sleep, waitUntil } from '../support/wait';
import type { BenchOptions } from './args';
import type { FloorResult } from './results';

const SETTLE_MS = 5_000;

/**
 * Runs the floor half: the minimal `ws` TLS server with the same number of plain TLS
 * WebSocket clients, sending the same check-in frames at the same period, measured the same
 * way. The clients come from other loopback addresses (127.1.x.y) than the agents did.
 */
export async function runFloorPhase(options: BenchOptions): Promise<FloorResult> {
  const n = options.agents;
  const floor = await FloorServerProcess.start('127.0.0.1', REPO_ROOT);
  let pool: SimPool | null = null;
  try {
    say(`floor server up (pid ${floor.pid}, port ${floor.port})`);
    await sleep(2_000);
    const baseline = sampleProcess(floor.pid);
    pool = await SimPool.start(
      {
        mode: 'floor',
        servers: [{ host: '127.0.0.1', port: floor.port }],
        firstIndex: 0,
        count: n,
        sourceAddresses: loopbackSources(1, options.sourceAddresses),
        identity: { kind: 'enroll', token: '' },
        hostPrefix: 'floor',
        concurrency: options.concurrency,
        floorPeriodSeconds: options.periodSeconds,
        connectTimeoutMs: options.connectTimeoutMs,
        api: null,
      },
      options.simProcesses,
    );
    pool.connect();
    const progress = throttled(5_000);
    const connected = await waitUntil(
      () => pool?.status() ?? Promise.reject(new Error('no pool')),
      (s) => s.connected >= n,
      Math.max(120_000, n * 20),
      250,
      (s) => progress(`floor: connected ${s.connected}/${n}`),
    );
    say(`floor: ${connected.value.connected}/${n} connected in ${(connected.elapsedMs / 1000).toFixed(1)} s`);
    await sleep(SETTLE_MS);
    const connectedSample = sampleProcess(floor.pid);
    const status = await pool.status();
    pool.broadcast({ type: 'floor-checkins', on: true });
    await sleep(options.warmupSeconds * 1000);
    say(`floor: measuring ${options.windowSeconds} s of check-ins`);
    const window = await measureWindow(
      {
        pids: [floor.pid],
        pool,
        periodSeconds: options.periodSeconds,
        received: async () => (await floor.counts())?.received ?? null,
      },
      options.windowSeconds,
    );
    say(
      `floor: ${window.checkinsPerSecond.toFixed(0)} messages/s, ${(window.cpuSecondsPerCheckin * 1e6).toFixed(1)} µs CPU each, server ${window.serverCores.toFixed(2)} cores`,
    );
    const final = await pool.status();
    return {
      connectionsRequested: n,
      connected: status.connected,
      connectSeconds: connected.elapsedMs / 1000,
      connectFailures: final.connectFailures,
      lastError: final.lastError,
      memory: {
        baselineBytes: baseline.rssBytes,
        connectedBytes: connectedSample.rssBytes,
        perConnectionBytes:
          status.connected > 0
            ? (connectedSample.rssBytes - baseline.rssBytes) / status.connected
            : Number.NaN,
      },
      window,
    };
  } finally {
    await pool?.stop();
    await floor.stop();
  }
}
