import type { TargetRow } from '../support/target-row';
import type { FloorResult, MusterResult, Ratios } from './results';

/** The targets. */
export const TARGETS = {
  concurrentAgents: 100_000,
  rssPerAgentBytes: 40 * 1024,
  checkinsPerCoreSecond: 20_000,
  restartSeconds: 60,
  throughputVsFloor: 0.6,
  memoryVsFloor: 1.3,
} as const;

const ratio = (a: number, b: number): number | null =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;

/** Muster against the floor: per-core throughput, carried throughput and memory. */
export function computeRatios(muster: MusterResult, floor: FloorResult | null): Ratios {
  if (!floor) return { throughputPerCore: null, throughputCarried: null, memory: null };
  return {
    throughputPerCore: ratio(muster.window.checkinsPerCoreSecond, floor.window.checkinsPerCoreSecond),
    throughputCarried: ratio(muster.window.checkinsPerSecond, floor.window.checkinsPerSecond),
    memory: ratio(muster.memory.perConnectionBytes, floor.memory.perConnectionBytes),
  };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fixed = (n: number | null, digits: number) =>
  n !== null && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';

/** Each target with the measured value and PASS/MISS; a miss never fails the run. */
export function evaluateTargets(
  muster: MusterResult,
  floor: FloorResult | null,
  ratios: Ratios,
): TargetRow[] {
  const rows: TargetRow[] = [];
  const reached = Math.min(muster.connected, muster.serverConnectedAgents);
  rows.push({
    name: 'Concurrent agents on one server process',
    target: `>= ${int(TARGETS.concurrentAgents)}`,
    measured: int(reached),
    pass: reached >= TARGETS.concurrentAgents,
    note:
      muster.agentsRequested < TARGETS.concurrentAgents
        ? `run size ${int(muster.agentsRequested)}; full size needs --agents ${TARGETS.concurrentAgents}`
        : `${int(muster.connected)} connected of ${int(muster.agentsRequested)} requested`,
  });
  const kib = muster.memory.perConnectionBytes / 1024;
  rows.push({
    name: 'Server RSS per connected agent',
    target: `<= ${TARGETS.rssPerAgentBytes / 1024} KiB`,
    measured: `${fixed(kib, 1)} KiB`,
    pass: Number.isFinite(kib) && muster.memory.perConnectionBytes <= TARGETS.rssPerAgentBytes,
    note: `RSS ${fixed(muster.memory.baselineBytes / 2 ** 20, 0)} -> ${fixed(muster.memory.connectedBytes / 2 ** 20, 0)} MiB`,
  });
  const w = muster.window;
  rows.push({
    name: 'Check-ins per second per core',
    target: `>= ${int(TARGETS.checkinsPerCoreSecond)}`,
    measured: int(w.checkinsPerCoreSecond),
    pass: w.checkinsPerCoreSecond >= TARGETS.checkinsPerCoreSecond,
    note: `1 / CPU per check-in; carried ${int(w.checkinsPerSecond)}/s (offered ${int(w.offeredPerSecond)}/s) on ${fixed(w.serverCores, 2)} cores`,
  });
  const r = muster.restart;
  rows.push({
    name: 'All agents back after a restart',
    target: `<= ${TARGETS.restartSeconds} s`,
    measured: r
      ? r.totalSeconds === null
        ? `${int(r.reconnected)}/${int(r.agentsBefore)} back`
        : `${fixed(r.totalSeconds, 1)} s`
      : 'not run',
    pass: r !== null && r.totalSeconds !== null && r.totalSeconds <= TARGETS.restartSeconds,
    note: r
      ? `from SIGTERM: shutdown ${fixed(r.shutdownSeconds, 1)} s, start ${fixed(r.startSeconds, 1)} s, reconnect ${fixed(r.reconnectSecondsFromStart, 1)} s after spawn`
      : '--skip-restart',
  });
  rows.push({
    name: 'Throughput vs floor (per core)',
    target: `>= ${TARGETS.throughputVsFloor}`,
    measured: fixed(ratios.throughputPerCore, 2),
    pass: ratios.throughputPerCore !== null && ratios.throughputPerCore >= TARGETS.throughputVsFloor,
    note: floor
      ? `floor ${int(floor.window.checkinsPerCoreSecond)} msg/CPU-s; carried-rate ratio ${fixed(ratios.throughputCarried, 2)}`
      : '--skip-floor',
  });
  rows.push({
    name: 'Memory vs floor (RSS per connection)',
    target: `<= ${TARGETS.memoryVsFloor}x`,
    measured: ratios.memory === null ? 'n/a' : `${fixed(ratios.memory, 2)}x`,
    pass: ratios.memory !== null && ratios.memory <= TARGETS.memoryVsFloor,
    note: floor
      ? `floor ${fixed(floor.memory.perConnectionBytes / 1024, 1)} KiB per connection`
      : '--skip-floor',
  });
  return rows;
}
