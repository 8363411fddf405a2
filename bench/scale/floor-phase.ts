import { type CommandMessage, encodeFrame } from '@muster/protocol';
import { FloorServerProcess } from '../support/floor/floor-process';
import { cpuOf, measureWindow } from '../support/load-window';
import { REPO_ROOT } from '../support/paths';
import { loopbackSources } from '../support/ports';
import { readRssBytes } from '../support/proc-stats';
import { say, throttled } from '../support/progress';
import { SimPool } from '../support/sim/sim-pool';
import { sleep, waitUntil } from '../support/wait';
import type { FloorFanoutResult, FloorResult } from './results';
import { scaleMachineId } from './seed-agents';

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
 * measured the same way (RSS growth per connection, check-ins per CPU-second); then one
 * fan-out of a command-sized frame to all of them (measureFloorFanout).
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
    const fanout = await measureFloorFanout(floor, pool);
    return {
      connections: plan.connections,
      connected: count,
      baselineBytes,
      connectedBytes,
      perConnectionBytes: count > 0 ? (connectedBytes - baselineBytes) / count : Number.NaN,
      connectSeconds,
      window,
      fanout,
    };
  } finally {
    await pool?.stop();
    await floor.stop();
  }
}

/**
 * A frame the size of the one a fan-out sends each agent: a signed audit command (32-digit id,
 * a bench machine id, the Ed25519 signature in base64).
 */
function commandSizedFrame(): string {
  const command: CommandMessage = {
    t: 'command',
    id: '0'.repeat(32),
    machineId: scaleMachineId(99_999),
    type: 'audit',
    params: {},
    issuedAt: Date.now(),
    attempt: 1,
    signature: Buffer.alloc(64).toString('base64'),
  };
  return encodeFrame(command);
}

/**
 * The least a command fan-out costs here: the floor server sends one command-sized frame to
 * every connection and each client answers once (a command-result's size), with check-ins off
 * so that every message counted is an answer. No store, no signing, no acknowledgement: what
 * is left is TLS, WebSocket framing and the kernel's loopback on both ends, which bounds from
 * below what any server can do for the same agents on this machine.
 */
async function measureFloorFanout(floor: FloorServerProcess, pool: SimPool): Promise<FloorFanoutResult> {
  pool.broadcast({ type: 'floor-checkins', on: false });
  // Check-ins already sent may still be in flight: let them land before answers are counted.
  await sleep(2_000);
  const frame = commandSizedFrame();
  const serverBefore = cpuOf([floor.pid]);
  const simulatorBefore = cpuOf(pool.pids);
  const done = await floor.fanout(frame, 120_000);
  const result: FloorFanoutResult = {
    frameBytes: Buffer.byteLength(frame),
    sent: done?.sent ?? 0,
    answered: done?.answered ?? 0,
    ms: done ? done.ms : null,
    serverCpuSeconds: cpuOf([floor.pid]) - serverBefore,
    simulatorCpuSeconds: cpuOf(pool.pids) - simulatorBefore,
  };
  say(
    `floor: fan-out of a ${result.frameBytes}-byte frame to ${result.sent} connections, ` +
      (result.ms === null ? 'not all answered in time' : `all answered after ${result.ms.toFixed(0)} ms`),
  );
  return result;
}
