import { alignColumns } from '../support/columns';
import type { NotifySpan } from './notify-counter';
import type { ScaleResults } from './results';
import { floorFanoutBound } from './targets';

const int = (n: number | null | undefined) =>
  n !== null && n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
const fixed = (n: number | null | undefined, d: number) =>
  n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(d) : 'n/a';
const mib = (b: number) => `${fixed(b / 2 ** 20, 1)} MiB`;
const kib = (b: number) => `${fixed(b / 1024, 1)} KiB`;
const notified = (s: NotifySpan) =>
  `${int(s.notifications)} NOTIFY (${fixed(s.perSecond, 1)}/s, ${int(s.payloadBytes / 1024)} KiB) over ${fixed(s.seconds, 0)} s`;

/** The printed report: the run, per-node memory, each phase in a line, the bus, and the targets. */
export function formatScaleReport(r: ScaleResults): string {
  const lines: string[] = [];
  const mc = r.machine;
  lines.push(
    `Muster scale benchmark: ${int(r.config.agents as number)} simulated agents on ${r.config.nodes} server nodes ` +
      `(compiled build) sharing one PostgreSQL database, revision ${r.revision}`,
  );
  lines.push(
    `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${fixed(mc.totalMemoryBytes / 2 ** 30, 1)} GiB, Node ${mc.nodeVersion}, ${mc.os}, ${mc.date}`,
  );
  lines.push(
    `Machine load (shared): load average ${r.loadAverage.atStart.join(' ')} at start, ${r.loadAverage.atEnd.join(' ')} at end. ` +
      `Nodes, PostgreSQL, the floor and ${r.config.simProcesses} simulator processes (${r.config.sourceAddresses} source addresses) share the cores.`,
  );
  lines.push(
    `Agent accounts written into the store in ${fixed(r.seedSeconds, 1)} s (no enrollment); check-in period ${r.config.periodSeconds} s; ` +
      `nodes started in ${r.nodeStartSeconds.map((s) => fixed(s, 1)).join(', ')} s.`,
  );
  const c = r.connect;
  if (c) {
    lines.push('');
    lines.push(
      `Connect: ${int(c.connected)}/${int(c.requested)} agents in ${fixed(c.seconds, 1)} s (${int(c.onPrimary)} on their primary), ` +
        `nodes count ${int(c.serverConnected)}; simulators' RSS ${mib(c.simulatorRssBytes)}; ${int(c.failedAttempts)} failed attempts${c.lastError ? ` (last: ${c.lastError})` : ''}; ${notified(c.notify)}.`,
    );
    const f = r.floor;
    lines.push(
      alignColumns([
        ['Node', 'Agents', 'RSS before', 'RSS connected', 'Per agent'],
        ...c.nodes.map((n) => [
          String(n.node),
          int(n.agents),
          mib(n.baselineBytes),
          mib(n.connectedBytes),
          kib(n.perAgentBytes),
        ]),
        ['all', int(c.serverConnected), '', '', kib(c.perAgentBytes)],
        ...(f
          ? [
              [
                'floor',
                int(f.connected),
                mib(f.baselineBytes),
                mib(f.connectedBytes),
                kib(f.perConnectionBytes),
              ],
            ]
          : []),
      ]),
    );
    if (f)
      lines.push(
        `Connection rate: agents ${int(c.connected / c.seconds)}/s over ${r.config.nodes} nodes; the floor ${int(f.connected / f.connectSeconds)}/s into one process ` +
          `(same simulators, same machine), so ${int(c.requested)} connections take at least ${fixed(c.requested / (f.connected / f.connectSeconds), 0)} s here even bare.`,
      );
  }
  const k = r.checkin;
  if (k) {
    const w = k.window;
    const f = r.floor?.window;
    lines.push('');
    lines.push(
      `Check-ins over ${fixed(w.seconds, 0)} s: ${int(w.checkins)} from ${int(w.connections)} agents (${int(w.checkinsPerSecond)}/s carried, ` +
        `${int(w.offeredPerSecond)}/s offered), ${fixed(w.cpuSecondsPerCheckin * 1e6, 1)} µs node CPU each, ${int(w.checkinsPerCoreSecond)} per CPU-second; ` +
        `nodes ${fixed(w.serverCores, 2)} cores, simulators ${fixed(w.simulatorCores, 2)}, rest ${fixed(w.otherCores, 2)}; ${notified(k.notify)}.` +
        (f
          ? ` Floor: ${int(f.checkins)} from ${int(f.connections)} connections, ${fixed(f.cpuSecondsPerCheckin * 1e6, 1)} µs each, ${int(f.checkinsPerCoreSecond)} per CPU-second.`
          : ''),
    );
    const ff = r.floor?.fanout;
    if (ff)
      lines.push(
        `Floor fan-out: a ${int(ff.frameBytes)}-byte frame to ${int(ff.sent)} connections, ${int(ff.answered)} answered ` +
          `${ff.ms === null ? '(not all in time)' : `after ${int(ff.ms)} ms`}; floor server ${fixed(ff.serverCpuSeconds, 2)} CPU-s, simulators ${fixed(ff.simulatorCpuSeconds, 2)} CPU-s.`,
      );
  }
  for (const s of r.storms) {
    lines.push('');
    lines.push(
      `${s.signal} to every node: ${int(s.agentsBefore)} agents, nodes gone after ${fixed(s.stopSeconds, 1)} s` +
        `${s.killedAfterGrace > 0 ? ` (${s.killedAfterGrace} killed after the grace time)` : ''}, answering again ${fixed(s.startSeconds, 1)} s later; ` +
        `${int(s.back)} welcomed again ${s.backSeconds === null ? 'before the time limit' : `${fixed(s.backSeconds, 1)} s after the signal`}; ` +
        `${int(s.failedAttempts)} failed attempts; ${notified(s.notify)}.`,
    );
    lines.push(`  timeline (s: agents back): ${s.timeline.map(([t, n]) => `${fixed(t, 0)}:${n}`).join(' ')}`);
    lines.push(
      `  CPU until all were back: nodes ${fixed(s.nodeCpuSeconds, 1)} s (start-up included), simulators ${fixed(s.simulatorCpuSeconds, 1)} s; ` +
        `${fixed(((s.nodeCpuSeconds + s.simulatorCpuSeconds) / Math.max(1, s.back)) * 1000, 2)} ms per agent back.`,
    );
    lines.push(
      `  store: ${int(s.store.machines)}/${int(s.store.expectedMachines)} accounts, ${int(s.store.markedConnected)} marked connected (${int(s.store.lostMarks ?? 0)} others still offline 5 s later), nodes count ${int(s.store.serverConnected)}.`,
    );
  }
  const l = r.nodeLoss;
  if (l) {
    lines.push('');
    lines.push(
      `Node loss: node ${l.victim} SIGKILLed with ${int(l.victimAgents)} agents; ${int(l.onSecondary)} on their secondary ` +
        `${l.onSecondarySeconds === null ? 'before the limit' : `after ${fixed(l.onSecondarySeconds, 1)} s`}; back on their primary ` +
        `${l.backToPrimarySeconds === null ? `not all (${int(l.onPrimaryAtEnd)})` : `${fixed(l.backToPrimarySeconds, 1)} s after its restart`}. ` +
        `Commands: ${int(l.flow.queued)} queued (${int(l.flow.enqueueFailures)} refused), statuses ${JSON.stringify(l.flow.byStatus)}, ` +
        `${int(l.flow.duplicateDeliveries)} delivered again (${int(l.flow.deliveredAfterAck)} after their result was acknowledged; ` +
        `the others answered from the agent's command journal), ${int(l.flow.distinctReceived)} distinct received; ${notified(l.notify)}.`,
    );
  }
  const m = r.commands;
  if (m) {
    const s = m.sameNode.enqueueToReceiptMs;
    const x = m.crossNode.enqueueToReceiptMs;
    const fo = m.fanout;
    lines.push('');
    lines.push(
      `Commands: same node p50 ${fixed(s.p50, 1)} / p99 ${fixed(s.p99, 1)} ms (${int(m.sameNode.commands)}), ` +
        `across nodes p50 ${fixed(x.p50, 1)} / p99 ${fixed(x.p99, 1)} ms (${int(m.crossNode.commands)}); ` +
        (fo
          ? `fan-out ${int(fo.queued)} queued in ${int(fo.postMs)} ms, ${int(fo.received)} received, last after ${int(fo.receiptMs.max)} ms, ` +
            `GET /server p50 ${fixed(fo.apiAnswerMs.p50, 0)} max ${fixed(fo.apiAnswerMs.max, 0)} ms`
          : `fan-out failed: ${m.fanoutError ?? 'unknown'}`) +
        `; ${notified(m.notify)}.`,
    );
    const c = m.fanoutCpu;
    if (c && fo && fo.queued > 0) {
      const bound = floorFanoutBound(r);
      lines.push(
        `  fan-out CPU until every result was acknowledged: nodes ${fixed(c.nodes, 1)} s, simulators ${fixed(c.simulators, 1)} s, ` +
          `the rest of the machine (PostgreSQL, the benchmark) ${fixed(c.machine - c.nodes - c.simulators, 1)} s: ` +
          `${int((c.machine / fo.queued) * 1e6)} µs of machine CPU per command` +
          (bound ? ` (the floor's exchange: ${int(bound.microsEach)} µs)` : '') +
          '.',
      );
    }
  }
  for (const e of r.errors) lines.push(`Error: ${e}`);
  lines.push('');
  lines.push(
    alignColumns([
      ['', 'Target', 'Goal', 'Measured', 'Note'],
      ...r.targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.name, t.target, t.measured, t.note]),
    ]),
  );
  return lines.join('\n');
}
