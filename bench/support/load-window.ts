import { type ProcSample, readCpuSeconds, readMachineBusySeconds, sampleProcess } from './proc-stats';
import type { SimPool } from './sim/sim-pool';
import { sleep } from './wait';

/** A sustained check-in window on one or more server processes. */
export interface WindowResult {
  /** Connections open when the window started. */
  connections: number;
  periodSeconds: number;
  /** Check-ins the clients were due to send per second (connections / period). */
  offeredPerSecond: number;
  /** Length of the window, seconds. */
  seconds: number;
  /** Check-ins sent by the simulators during the window. */
  checkins: number;
  /**
   * Check-ins per second actually carried: those of the window over the window plus the time
   * a ping on every connection took to come back (a pong follows every frame sent before it).
   */
  checkinsPerSecond: number;
  /** Server CPU (user + system) used during the window, seconds. */
  serverCpuSeconds: number;
  /** Server CPU per check-in, seconds. */
  cpuSecondsPerCheckin: number;
  /** Check-ins one fully used core would carry: 1 / cpuSecondsPerCheckin. */
  checkinsPerCoreSecond: number;
  /** Average cores the server used during the window. */
  serverCores: number;
  /** Average cores the simulator processes used during the window. */
  simulatorCores: number;
  /** Average cores everything else on the machine used during the window (noise). */
  otherCores: number;
  /** Ping after the window: answered of sent, and how long the slowest took. */
  drain: { answered: number; total: number; ms: number };
  /** Server RSS at the end of the window, bytes. */
  serverRssBytes: number;
  /** Messages the server itself counted during the window (floor only). */
  serverReceived: number | null;
  /** A simulator answered too late at the start or end: the check-in count is approximate. */
  staleCounters: boolean;
}

/**
 * The server processes under measurement (one, or every node of a cluster; their CPU and RSS
 * are summed) and, when it can count, the server's own received-message counter.
 */
export interface WindowTarget {
  pids: number[];
  pool: SimPool;
  periodSeconds: number;
  received?: () => Promise<number | null>;
}

/** The CPU time (user + system) of several processes, seconds; one that has exited adds nothing. */
export function cpuOf(pids: number[]): number {
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

/** The summed RSS and CPU of several processes, read at once. */
function sampleAll(pids: number[]): ProcSample {
  const samples = pids.map(sampleProcess);
  return {
    rssBytes: samples.reduce((n, s) => n + s.rssBytes, 0),
    cpuSeconds: samples.reduce((n, s) => n + s.cpuSeconds, 0),
    atMs: performance.now(),
  };
}

/**
 * Measures a sustained window: check-ins sent by the simulators and server CPU between two
 * readings `seconds` apart, then a ping over every connection to be sure the server has read
 * what was sent (its time is added to the window for the carried rate).
 */
export async function measureWindow(target: WindowTarget, seconds: number): Promise<WindowResult> {
  const { pids, pool } = target;
  const s0 = await pool.status();
  const received0 = target.received ? await target.received() : null;
  const p0 = sampleAll(pids);
  const sim0 = cpuOf(pool.pids);
  const busy0 = readMachineBusySeconds();
  await sleep(seconds * 1000);
  const s1 = await pool.status();
  const p1 = sampleAll(pids);
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
