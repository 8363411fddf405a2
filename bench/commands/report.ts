import { alignColumns } from '../support/columns';
import { writeResultFiles } from '../support/results-files';
import type { Summary } from '../support/stats';
import type { CommandsBenchResults, DeviceBackendResult, DeviceEnqueueResult } from './results';

const int = (n: number | null | undefined) =>
  n !== null && n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
const msText = (n: number | null | undefined) =>
  n !== null && n !== undefined && Number.isFinite(n)
    ? `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ms`
    : 'n/a';
const dist = (s: Summary) =>
  `p50 ${msText(s.p50)}, p90 ${msText(s.p90)}, p99 ${msText(s.p99)}, max ${msText(s.max)}`;

function agentLines(r: CommandsBenchResults): string[] {
  const a = r.agents;
  if (!a) return [`Agent measurements: ${r.agentsError ?? 'skipped'}`];
  const l = a.latency;
  const f = a.fanout;
  return [
    `Agents (${a.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} server): ${int(a.connected)}/${int(a.requested)} connected ` +
      `(server counts ${int(a.serverConnectedAgents)}), enrolled in ${a.enrollSeconds.toFixed(1)} s, server RSS ` +
      `${(a.serverRssBytes / 2 ** 20).toFixed(0)} MiB, ${int(a.connectFailures)} failed connection attempts; ` +
      `load average before the latency run ${a.loadAverageAtLatency.join(' ')}.`,
    '',
    alignColumns([
      ['Single-target command, sequential', 'Distribution'],
      [`Enqueue request to agent receipt (${int(l.commands)} commands)`, dist(l.enqueueToReceiptMs)],
      ['Enqueue request to its 201 answer', dist(l.enqueueToResponseMs)],
      ["Agent's result to the server's ack", dist(l.resultToAckMs)],
    ]),
    ...(l.failures > 0 ? [`Latency failures: ${l.failures} (last: ${l.lastFailure})`] : []),
    '',
    alignColumns([
      ['Fan-out (one POST, filter ' + f.filter + ')', 'Measured'],
      ['Commands queued by the POST', int(f.queued)],
      ['POST answered after', msText(f.postMs)],
      ['Agents that received it', `${int(f.received)}/${int(f.queued)}`],
      ['Receipt after the POST started', dist(f.receiptMs)],
      [
        'Last agent received it after',
        f.allReceivedMs === null ? `not all within ${msText(f.timeLimitMs)}` : msText(f.allReceivedMs),
      ],
      [
        'Last result acknowledged after',
        f.allAcknowledgedMs === null ? `not all (${int(f.acknowledged)})` : msText(f.allAcknowledgedMs),
      ],
      ['Server CPU during the fan-out', `${f.serverCpuSeconds.toFixed(2)} s`],
      [`GET /server answers meanwhile (${int(f.apiAnswerMs.count)})`, dist(f.apiAnswerMs)],
    ]),
  ];
}

function enqueueCell(e: DeviceEnqueueResult | null): string[] {
  if (!e) return ['-', '-'];
  const single = `HTTP ${e.single.status || 'error'} in ${msText(e.single.ms)} (${(e.single.bodyBytes / 2 ** 20).toFixed(2)} MiB)`;
  const batched =
    e.batches.length === 0
      ? '-'
      : `${e.batches.length} x ≤${int(e.batches[0]?.ids)} ids: ${msText(e.batchedTotalMs)} ` +
        `(${e.batches.map((b) => msText(b.ms)).join(' + ')}), ${int(e.batchedQueued)} queued`;
  return [single, batched];
}

function deviceLines(devices: DeviceBackendResult[]): string[] {
  if (devices.length === 0) return ['Device measurements: skipped'];
  const col = (fn: (d: DeviceBackendResult) => string) =>
    devices.map((d) => (d.error && !d.drain ? 'failed' : fn(d)));
  const rows: string[][] = [
    ['Devices', ...devices.map((d) => (d.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'))],
    [
      'Seeded devices (direct insert)',
      ...col((d) => (d.seed ? `${int(d.seed.devices)} in ${d.seed.devicesSeconds.toFixed(1)} s` : '-')),
    ],
    [
      'Seeded finished commands',
      ...col((d) =>
        d.seed ? `${int(d.seed.finishedCommands)} in ${d.seed.finishedSeconds.toFixed(1)} s` : '-',
      ),
    ],
    ['Enqueue "sync", all ids in one request', ...col((d) => enqueueCell(d.enqueue)[0] as string)],
    ['Enqueue "sync", largest accepted batches', ...col((d) => enqueueCell(d.enqueue)[1] as string)],
    ['Enqueue "locate" (push type), one request', ...col((d) => enqueueCell(d.enqueuePushType)[0] as string)],
    ['Enqueue "locate" (push type), batches', ...col((d) => enqueueCell(d.enqueuePushType)[1] as string)],
    [
      'Check-ins handing over the full queue',
      ...col((d) =>
        d.drain ? `${d.drain.fullDrains}/${d.drain.rounds} (${d.drain.pendingPerCheckin} each)` : '-',
      ),
    ],
    ['Signed check-in draining the queue', ...col((d) => (d.drain ? dist(d.drain.checkinMs) : '-'))],
    ['Results report for them', ...col((d) => (d.drain ? dist(d.drain.resultsMs) : '-'))],
  ];
  const errors = devices
    .filter((d) => d.error)
    .map((d) => `Device measurements on ${d.backend} failed: ${d.error}`);
  return [alignColumns(rows), ...errors];
}

/** The human-readable report: machine, agent and device measurements, targets, findings. */
export function formatReport(r: CommandsBenchResults): string {
  const mc = r.machine;
  const lines = [
    `Muster command benchmark (${new Date(mc.date).toISOString()}, code at ${r.revision})`,
    `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${(mc.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${mc.nodeVersion}, ` +
      `${mc.os}, data on ${mc.dataDirFilesystem}, load average at start ${mc.loadAverageAtStart.join(' ')}.`,
    'Server, simulators and this process share the machine; all traffic on 127.0.0.0/8.',
    '',
    ...agentLines(r),
    '',
    ...deviceLines(r.devices),
    '',
    alignColumns([
      ['', 'Target', 'Goal', 'Measured', 'Note'],
      ...r.targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.name, t.target, t.measured, t.note]),
    ]),
  ];
  if (r.findings.length > 0) lines.push('', 'Findings:', ...r.findings.map((f) => `- ${f}`));
  return lines.join('\n');
}

const METHOD = `How it is measured:
- Latency: the enqueuer runs inside the simulator process that holds the receiving agents, so
  both ends use that process's performance.now(); the time runs from just before the POST is
  sent until the agent's WebSocket message handler has the command. Commands go one at a time,
  each to a random connected agent, and each is finished (result sent, ack received) before the
  next, so the queue and the agent are idle when a sample starts.
- Fan-out: the POST is sent by the orchestrator and received in the simulator processes; both
  use performance.timeOrigin + performance.now() (wall clock with sub-ms precision).
- Device enqueue: 100,000 devices are written straight into the store (batched inserts through
  the server's Kysely connection code) while the server is stopped; then POST /commands with
  every device id, first in one request, then in the largest batches the 1 MiB body limit
  accepts, one after the other. "locate" is push-capable, so each queued command also looks
  its device up for a wake-up.
- Drain: 1,000,000 finished commands are inserted directly (status complete, finished in the
  last hour, spread over all devices; no transition rows). Each round queues 100 commands for
  one device enrolled through the device API (not timed), then times one signed check-in over
  a kept-alive HTTPS connection (signing included, TLS handshake not), which must hand over
  all 100, then the results report.`;

/** Writes `<name>.json` and `<name>.md`; returns their paths. */
export function writeResults(
  r: CommandsBenchResults,
  report: string,
  dir: string,
  name: string,
): { json: string; md: string } {
  return writeResultFiles(r, {
    dir,
    name,
    title: `Command benchmark, ${(r.agents?.requested ?? 0).toLocaleString('en-US')} agents`,
    script: 'bench:commands',
    commandLine: r.commandLine,
    report,
    notes: METHOD,
  });
}
