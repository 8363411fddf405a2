import { FloorServerProcess } from '../support/floor/floor-process';
import { measureWindow } from '../support/load-window';
import { REPO_ROOT } from '../support/paths';
import { loopbackSources } from '../support/ports';
import { readRssBytes } from '../support/proc-stats';
import { say, throttled } from '../support/progress';
import { SimPool } from '../support/sim/sim-pool';
import { sleep, waitUntil } from '../support/wait';
import type { FloorResult } from './results';

/** How the floor is loaded: as many connections as one node held, at the same period. */
export interface FloorPlan {
  connections: number;
  periodSeconds: number;
  windowSeconds: number;
  simProcesses: number;
  sourceAddresses: number;
  concurrency: number;
  connectTimeoutMs: number;
}

/**
 * The bare `ws` TLS floor in the same run: one floor server process with as many plain TLS
 * WebSocket clients as one node held, sending the same check-in frame at the same period,
 * measured the same way (RSS growth per connection, check-ins per CPU-second).
 */
export async function runScaleFloor(plan: FloorPlan): Promise<FloorResult> {
  const floor = await FloorServerProcess.start('127.0.0.1', REPO_ROOT);
  let pool: SimPool | null = null;
  try {
    await sleep(2_000);
    const baselineBytes = readRssBytes(floor.pid);
    pool = await SimPool.start(
      {
        mode: 'floor',
        servers: [{ host: '127.0.0.1', port: floor.port }],
        firstIndex: 0,
        count: plan.connections,
        sourceAddresses: loopbackSources(4, plan.sourceAddresses),
        identity: { kind: 'enroll', token: '' },
        hostPrefix: 'floor',
        concurrency: plan.concurrency,
        floorPeriodSeconds: plan.periodSeconds,
        connectTimeoutMs: plan.connectTimeoutMs,
        api: null,
      },
      Math.max(1, Math.min(plan.simProcesses, Math.ceil(plan.connections / 5000))),
    );
    const connectStarted = performance.now();
    pool.connect();
    const progress = throttled(5_000);
    const connected = await waitUntil(
      () => pool?.status() ?? Promise.reject(new Error('no pool')),
      (s) => s.connected >= plan.connections,
      Math.max(120_000, plan.connections * 20),
      250,
      (s) => progress(`floor: ${s.connected}/${plan.connections} connected`),
    );
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    await sleep(5_000);
    const connectedBytes = readRssBytes(floor.pid);
    const count = (await pool.status()).connected;
    pool.broadcast({ type: 'floor-checkins', on: true });
    await sleep(plan.periodSeconds * 1000);
    say(`floor: ${connected.value.connected} connected; measuring ${plan.windowSeconds} s of check-ins`);
    const window = await measureWindow(
      {
        pids: [floor.pid],
        pool,
        periodSeconds: plan.periodSeconds,
        received: async () => (await floor.counts())?.received ?? null,
      },
      plan.windowSeconds,
    );
    say(`floor: ${window.checkinsPerCoreSecond.toFixed(0)} check-ins per CPU-second`);
    return {
      connections: plan.connections,
      connected: count,
      baselineBytes,
      connectedBytes,
      perConnectionBytes: count > 0 ? (connectedBytes - baselineBytes) / count : Number.NaN,
      connectSeconds,
      window,
    };
  } finally {
    await pool?.stop();
    await floor.stop();
  }
}
