import { readCpuSeconds, readMachineBusySeconds, sampleProcess } from './proc-stats';
import type { WindowResult } from './results';
import type { SimPool } from './sim-pool';
import { sleep } from './wait';

/** The server under measurement and, when it can count, its own received-message counter. */
export interface WindowTarget {
  pid: number;
  pool: SimPool;
  periodSeconds: number;
  received?: () => Promise<number | null>;
}

function cpuOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += readCpuSeconds(pid);
    } catch {
      // a simulator that already exited adds nothing
    }
  }
  return total;
}

/**
 * Measures a sustained window: check-ins sent by the simulators and server CPU between two
 * readings `seconds` apart, then a ping over every connection to be sure the server has read
 * what was sent (its time is added to the window for the carried rate).
 */
export async function measureWindow(target: WindowTarget, seconds: number): Promise<WindowResult> {
  const { pid, pool } = target;
  const s0 = await pool.status();
  const received0 = target.received ? await target.received() : null;
  const p0 = sampleProcess(pid);
  const sim0 = cpuOf(pool.pids);
  const busy0 = readMachineBusySeconds();
  await sleep(seconds * 1000);
  const s1 = await pool.status();
  const p1 = sampleProcess(pid);
  const sim1 = cpuOf(pool.pids);
  const busy1 = readMachineBusySeconds();
  const received1 = target.received ? await target.received() : null;
  const drain = await pool.drain(30_000);
  const windowSeconds = (p1.atMs - p0.atMs) / 1000;
  const checkins = s1.sent - s0.sent;
  const cpu = p1.cpuSeconds - p0.cpuSeconds;
  const cpuPerCheckin = checkins > 0 ? cpu / checkins : Number.NaN;
  return {
    connections: s0.connected,
    periodSeconds: target.periodSeconds,
    offeredPerSecond: s0.connected / target.periodSeconds,
    seconds: windowSeconds,
    checkins,
    checkinsPerSecond: checkins / (windowSeconds + drain.ms / 1000),
    serverCpuSeconds: cpu,
    cpuSecondsPerCheckin: cpuPerCheckin,
    checkinsPerCoreSecond: cpuPerCheckin > 0 ? 1 / cpuPerCheckin : Number.NaN,
    serverCores: cpu / windowSeconds,
    simulatorCores: (sim1 - sim0) / windowSeconds,
    otherCores: Math.max(0, busy1 - busy0 - cpu - (sim1 - sim0)) / windowSeconds,
    drain,
    serverRssBytes: p1.rssBytes,
    serverReceived: received0 !== null && received1 !== null ? received1 - received0 : null,
    staleCounters: s0.stale > 0 || s1.stale > 0,
  };
}
