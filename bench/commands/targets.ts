import type { TargetRow } from '../support/target-row';
import type { AgentsResult, DeviceBackendResult, DeviceEnqueueResult } from './results';

/** The targets. */
export const TARGETS = {
  latencyP50Ms: 5,
  latencyP99Ms: 50,
  fanoutAllMs: 2000,
  fanoutAgents: 100_000,
  agents: [10_000, 100_000],
  deviceEnqueueMs: 2000,
  deviceEnqueueDevices: 100_000,
  drainP99Ms: 20,
  drainFinished: 1_000_000,
  drainPending: 100,
} as const;

const ms = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const count = (n: number) => n.toLocaleString('en-US');

function sizeNote(measured: number, goal: number, what: string): string {
  return measured === goal ? '' : `measured with ${count(measured)} ${what} (target size ${count(goal)})`;
}

function agentTargets(a: AgentsResult): TargetRow[] {
  const l = a.latency.enqueueToReceiptMs;
  const at = `${count(a.connected)} agents`;
  const latencyNote = [
    `${count(a.latency.commands)} sequential single-target commands`,
    a.latency.failures > 0 ? `${a.latency.failures} failed` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const f = a.fanout;
  return [
    {
      name: `Enqueue to agent receipt p50, ${at}`,
      target: `≤ ${TARGETS.latencyP50Ms} ms`,
      measured: ms(l.p50),
      pass: l.count > 0 && l.p50 <= TARGETS.latencyP50Ms,
      note: latencyNote,
    },
    {
      name: `Enqueue to agent receipt p99, ${at}`,
      target: `≤ ${TARGETS.latencyP99Ms} ms`,
      measured: ms(l.p99),
      pass: l.count > 0 && l.p99 <= TARGETS.latencyP99Ms && a.latency.failures === 0,
      note: latencyNote,
    },
    {
      name: 'Fan-out: one command received by every agent',
      target: `≤ ${TARGETS.fanoutAllMs} ms at ${count(TARGETS.fanoutAgents)}`,
      measured:
        f.allReceivedMs === null
          ? `${count(f.received)}/${count(f.queued)} in ${ms(f.timeLimitMs)}`
          : ms(f.allReceivedMs),
      pass: f.allReceivedMs !== null && f.allReceivedMs <= TARGETS.fanoutAllMs,
      note: sizeNote(f.queued, TARGETS.fanoutAgents, 'agents'),
    },
  ];
}

function enqueueTarget(d: DeviceBackendResult, e: DeviceEnqueueResult): TargetRow {
  const oneRequest = e.single.status === 201;
  const total = oneRequest ? e.single.ms : e.batchedTotalMs;
  const complete = oneRequest || e.batchedQueued === e.devices;
  const notes = [
    sizeNote(e.devices, TARGETS.deviceEnqueueDevices, 'devices'),
    oneRequest
      ? 'one request'
      : `one request refused (HTTP ${e.single.status || 'connection error'}); ` +
        `time is ${e.batches.length} consecutive requests of ≤ ${count(e.batches[0]?.ids ?? 0)} ids`,
    complete ? '' : `only ${count(e.batchedQueued)} queued`,
  ].filter(Boolean);
  return {
    name: `Enqueue one command to every device, ${d.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    target: `≤ ${TARGETS.deviceEnqueueMs} ms for ${count(TARGETS.deviceEnqueueDevices)}`,
    measured: complete ? ms(total) : 'incomplete',
    pass: complete && total <= TARGETS.deviceEnqueueMs,
    note: notes.join('; '),
  };
}

function deviceTargets(d: DeviceBackendResult): TargetRow[] {
  const db = d.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  if (d.error !== null && (!d.enqueue || !d.drain)) {
    return [
      {
        name: `Device measurements, ${db}`,
        target: '-',
        measured: 'failed',
        pass: false,
        note: d.error.slice(0, 200),
      },
    ];
  }
  const out: TargetRow[] = [];
  if (d.enqueue) out.push(enqueueTarget(d, d.enqueue));
  if (d.drain) {
    const c = d.drain.checkinMs;
    out.push({
      name: `Check-in draining ${d.drain.pendingPerCheckin} commands p99, ${db}`,
      target: `≤ ${TARGETS.drainP99Ms} ms with ${count(TARGETS.drainFinished)} finished`,
      measured: ms(c.p99),
      pass: c.count > 0 && c.p99 <= TARGETS.drainP99Ms && d.drain.fullDrains === d.drain.rounds,
      note: [
        `p50 ${ms(c.p50)}, ${d.drain.rounds} check-ins, ${count(d.drain.finishedCommandsInTable)} finished in the table`,
        d.drain.fullDrains === d.drain.rounds
          ? ''
          : `${d.drain.rounds - d.drain.fullDrains} incomplete drains`,
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  return out;
}

/** PASS/MISS of every target measured. */
export function evaluateTargets(agents: AgentsResult | null, devices: DeviceBackendResult[]): TargetRow[] {
  return [...(agents ? agentTargets(agents) : []), ...devices.flatMap(deviceTargets)];
}
