import type { TargetRow } from '../support/target-row';
import type { ScaleResults } from './results';

/** The issue's targets (issue 12). */
export const SCALE_TARGETS = {
  agents: 100_000,
  rssPerAgentBytes: 40 * 1024,
  memoryVsFloor: 1.3,
  checkinsVsFloor: 0.8,
  stormSeconds: 60,
  sameNodeP50Ms: 5,
  sameNodeP99Ms: 50,
  crossNodeP50Ms: 20,
  fanoutMs: 5000,
  apiDuringFanoutMs: 100,
  deviceEnqueueMs: 2000,
  deviceEnqueueDevices: 100_000,
} as const;

const T = SCALE_TARGETS;
const int = (n: number | null | undefined) =>
  n !== null && n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
const fixed = (n: number | null | undefined, d: number) =>
  n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(d) : 'n/a';
const ok = (n: number | null | undefined, limit: number) =>
  n !== null && n !== undefined && Number.isFinite(n) && n <= limit;

/**
 * What the floor's fan-out says of the fan-out target: the machine CPU one exchange cost the
 * bare floor (server and clients), and so the least time all agents' exchanges take on this
 * machine's cores with nothing else running.
 */
export function floorFanoutBound(
  r: Pick<ScaleResults, 'floor' | 'machine' | 'config'>,
): { microsEach: number; seconds: number } | null {
  const f = r.floor?.fanout;
  if (!f || f.ms === null || f.answered === 0) return null;
  const each = (f.serverCpuSeconds + f.simulatorCpuSeconds) / f.answered;
  return { microsEach: each * 1e6, seconds: ((r.config.agents as number) * each) / r.machine.cores };
}

function floorFanoutNote(r: Pick<ScaleResults, 'floor' | 'machine' | 'config'>): string {
  const bound = floorFanoutBound(r);
  if (!bound) return '';
  return `the bare floor's exchange costs ${int(bound.microsEach)} µs of machine CPU: ${int(r.config.agents as number)} take at least ${fixed(bound.seconds, 1)} s here`;
}

/** Every target with its measured figure and PASS or MISS; a miss never fails the run. */
export function evaluateScaleTargets(r: Omit<ScaleResults, 'targets' | 'durationSeconds'>): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (name: string, target: string, measured: string, pass: boolean, note = '') =>
    rows.push({ name, target, measured, pass, note });
  const c = r.connect;
  const reached = c ? Math.min(c.connected, c.serverConnected) : 0;
  const size = `${int(r.config.agents as number)} agents, ${r.config.nodes} nodes`;
  add(
    'Agents connected at once',
    `>= ${int(T.agents)}`,
    int(reached),
    reached >= T.agents,
    c ? `${size}; connected in ${fixed(c.seconds, 1)} s` : 'not run',
  );
  const worst = c ? Math.max(...c.nodes.map((n) => n.perAgentBytes)) : Number.NaN;
  add(
    'Server RSS per connected agent',
    `<= ${T.rssPerAgentBytes / 1024} KiB`,
    c ? `${fixed(c.perAgentBytes / 1024, 1)} KiB` : 'not run',
    ok(c?.perAgentBytes, T.rssPerAgentBytes),
    c ? `all nodes' RSS growth over their agents; worst node ${fixed(worst / 1024, 1)} KiB` : '',
  );
  const f = r.floor;
  const memRatio = c && f ? c.perAgentBytes / f.perConnectionBytes : Number.NaN;
  add(
    'Memory vs the ws TLS floor',
    `<= ${T.memoryVsFloor}x`,
    f ? `${fixed(memRatio, 2)}x` : 'not run',
    ok(memRatio, T.memoryVsFloor),
    f
      ? `floor ${fixed(f.perConnectionBytes / 1024, 1)} KiB per connection at ${int(f.connected)} connections`
      : '',
  );
  const w = r.checkin?.window;
  const cpuRatio = w && f ? w.checkinsPerCoreSecond / f.window.checkinsPerCoreSecond : Number.NaN;
  add(
    'Check-ins per CPU-second vs the floor',
    `>= ${T.checkinsVsFloor}`,
    w && f ? fixed(cpuRatio, 2) : 'not run',
    Number.isFinite(cpuRatio) && cpuRatio >= T.checkinsVsFloor,
    w
      ? `${int(w.checkinsPerCoreSecond)} over all nodes${f ? `, floor ${int(f.window.checkinsPerCoreSecond)}` : ''}; ${int(w.checkinsPerSecond)}/s carried`
      : '',
  );
  for (const s of r.storms) {
    add(
      `All agents back after ${s.signal} to every node`,
      `<= ${T.stormSeconds} s`,
      s.backSeconds === null ? `${int(s.back)}/${int(s.agentsBefore)} back` : `${fixed(s.backSeconds, 1)} s`,
      ok(s.backSeconds, T.stormSeconds),
      `nodes down ${fixed(s.stopSeconds, 1)} s, up again ${fixed(s.startSeconds, 1)} s` +
        (r.floor
          ? `; the bare floor connects ${int(r.floor.connected / r.floor.connectSeconds)}/s here: ${fixed(s.agentsBefore / (r.floor.connected / r.floor.connectSeconds), 0)} s for ${int(s.agentsBefore)}`
          : ''),
    );
    add(
      `Store intact after ${s.signal}`,
      'every account, no mark lost',
      `${int(s.store.machines)}/${int(s.store.expectedMachines)} accounts`,
      s.store.ok,
      `${int(s.store.markedConnected)} marked connected, ${int(s.store.lostMarks ?? 0)} lost, nodes count ${int(s.store.serverConnected)}`,
    );
  }
  const l = r.nodeLoss;
  if (l) {
    add(
      'Agents of a killed node on their secondary',
      `<= ${l.periodSeconds} s (one period)`,
      l.onSecondarySeconds === null
        ? `${int(l.onSecondary)}/${int(l.victimAgents)}`
        : `${fixed(l.onSecondarySeconds, 1)} s`,
      ok(l.onSecondarySeconds, l.periodSeconds),
      `${int(l.victimAgents)} agents on node ${l.victim}`,
    );
    add(
      'Commands during the node loss: none lost or run twice',
      '0 lost, 0 twice',
      `${int(l.flow.notComplete)} lost, ${int(l.flow.deliveredAfterAck)} twice`,
      l.flow.queued > 0 && l.flow.notComplete === 0 && l.flow.deliveredAfterAck === 0,
      `${int(l.flow.queued)} queued, ${int(l.flow.complete)} complete; twice = handed out again after the result was acknowledged ` +
        `(${int(l.flow.duplicateDeliveries)} re-deliveries in all, answered from the agent's command journal)`,
    );
    add(
      'Agents back on their primary',
      'all',
      l.backToPrimarySeconds === null
        ? `${int(l.onPrimaryAtEnd)} on primary`
        : `${fixed(l.backToPrimarySeconds, 1)} s`,
      l.backToPrimarySeconds !== null,
      'after the killed node started again',
    );
  }
  const m = r.commands;
  add(
    'Enqueue to receipt p50, same node',
    `<= ${T.sameNodeP50Ms} ms`,
    m ? `${fixed(m.sameNode.enqueueToReceiptMs.p50, 1)} ms` : 'not run',
    ok(m?.sameNode.enqueueToReceiptMs.p50, T.sameNodeP50Ms),
    m ? `${int(m.sameNode.commands)} commands, ${int(m.sameNode.failures)} failed` : '',
  );
  add(
    'Enqueue to receipt p99, same node',
    `<= ${T.sameNodeP99Ms} ms`,
    m ? `${fixed(m.sameNode.enqueueToReceiptMs.p99, 1)} ms` : 'not run',
    ok(m?.sameNode.enqueueToReceiptMs.p99, T.sameNodeP99Ms),
  );
  add(
    'Enqueue to receipt p50, across nodes',
    `<= ${T.crossNodeP50Ms} ms`,
    m ? `${fixed(m.crossNode.enqueueToReceiptMs.p50, 1)} ms` : 'not run',
    ok(m?.crossNode.enqueueToReceiptMs.p50, T.crossNodeP50Ms),
    m
      ? `${int(m.crossNode.commands)} commands, ${int(m.crossNode.failures)} failed; p99 ${fixed(m.crossNode.enqueueToReceiptMs.p99, 1)} ms`
      : '',
  );
  const fo = m?.fanout;
  add(
    'Fan-out to every agent received',
    `<= ${T.fanoutMs} ms`,
    fo
      ? fo.allReceivedMs === null
        ? `${int(fo.received)}/${int(fo.queued)}`
        : `${int(fo.allReceivedMs)} ms`
      : m?.fanoutError
        ? `failed: ${m.fanoutError.slice(0, 60)}`
        : 'not run',
    ok(fo?.allReceivedMs, T.fanoutMs),
    [fo ? `${int(fo.queued)} queued by one POST in ${int(fo.postMs)} ms` : '', floorFanoutNote(r)]
      .filter(Boolean)
      .join('; '),
  );
  add(
    'GET /api/v1/server during the fan-out',
    `<= ${T.apiDuringFanoutMs} ms`,
    fo ? `${int(fo.apiAnswerMs.max)} ms max` : 'not run',
    ok(fo?.apiAnswerMs.max, T.apiDuringFanoutMs),
    fo ? `${int(fo.apiAnswerMs.count)} answers, p50 ${fixed(fo.apiAnswerMs.p50, 1)} ms` : '',
  );
  for (const d of r.devices) {
    const e = d.enqueue;
    add(
      `${int(T.deviceEnqueueDevices)} device commands by one request, ${d.backend}`,
      `<= ${T.deviceEnqueueMs} ms`,
      e
        ? e.single.status === 201
          ? `${int(e.single.ms)} ms`
          : `HTTP ${e.single.status}`
        : (d.error ?? 'not run'),
      e !== null &&
        e.single.status === 201 &&
        e.single.ms <= T.deviceEnqueueMs &&
        e.devices >= T.deviceEnqueueDevices,
      e
        ? `${int(e.devices)} devices, body ${fixed(e.single.bodyBytes / 2 ** 20, 2)} MiB` +
            (e.batches.length > 0 ? `; in ${e.batches.length} requests ${int(e.batchedTotalMs)} ms` : '')
        : '',
    );
  }
  return rows;
}
