import { alignColumns } from '../support/columns';
import type { WindowResult } from '../support/load-window';
import { writeResultFiles } from '../support/results-files';
import type { BenchResults } from './results';

const int = (n: number | null | undefined) =>
  n !== null && n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
const fixed = (n: number | null | undefined, digits: number) =>
  n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
const mib = (bytes: number) => `${fixed(bytes / 2 ** 20, 1)} MiB`;
const kib = (bytes: number) => `${fixed(bytes / 1024, 1)} KiB`;

function windowRows(m: WindowResult, f: WindowResult | null, ratio: (a: number, b: number) => string) {
  const col = (fn: (w: WindowResult) => string) => [fn(m), f ? fn(f) : '-'];
  return [
    ['Offered check-ins/s', ...col((w) => int(w.offeredPerSecond)), ''],
    [
      'Carried check-ins/s',
      ...col((w) => int(w.checkinsPerSecond)),
      f ? ratio(m.checkinsPerSecond, f.checkinsPerSecond) : '',
    ],
    ['Server CPU per check-in', ...col((w) => `${fixed(w.cpuSecondsPerCheckin * 1e6, 1)} µs`), ''],
    [
      'Check-ins per CPU-second',
      ...col((w) => int(w.checkinsPerCoreSecond)),
      f ? ratio(m.checkinsPerCoreSecond, f.checkinsPerCoreSecond) : '',
    ],
    ['Server cores used', ...col((w) => fixed(w.serverCores, 2)), ''],
    ['Simulator cores used', ...col((w) => fixed(w.simulatorCores, 2)), ''],
    ['Rest of machine (others, kernel), cores', ...col((w) => fixed(w.otherCores, 2)), ''],
    [
      'Ping after window',
      ...col((w) => `${int(w.drain.answered)}/${int(w.drain.total)} in ${int(w.drain.ms)} ms`),
      '',
    ],
    ['Server RSS under load', ...col((w) => mib(w.serverRssBytes)), ''],
  ];
}

/** The human-readable report: machine, the Muster/floor table, restart, and the targets. */
export function formatReport(r: BenchResults): string {
  const m = r.muster;
  const f = r.floor;
  const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}` : 'n/a');
  const reached = Math.min(m.connected, m.serverConnectedAgents);
  const lines: string[] = [];
  lines.push(
    `Muster check-in benchmark: ${int(m.agentsRequested)} simulated agents ` +
      `(full-size target ${int(r.fullSizeTarget)}; this run reached ${int(reached)} connected on one server process)`,
  );
  const mc = r.machine;
  lines.push(
    `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${fixed(mc.totalMemoryBytes / 2 ** 30, 1)} GiB, Node ${mc.nodeVersion}, ` +
      `${mc.os}, data dir on ${mc.dataDirFilesystem}, ${mc.date}`,
  );
  const env = r.environment;
  lines.push(
    `Machine load (shared machine): load average ${env.atStart.loadAverage.join(' ')} at start, ` +
      `${env.atEnd.loadAverage.join(' ')} at end; durable SQLite commit ${fixed(env.atStart.sqliteCommitMs, 2)} ms ` +
      `at start, ${fixed(env.atEnd.sqliteCommitMs, 2)} ms at end; open-file limit per process ${int(env.childFileLimit)}.`,
  );
  lines.push(
    `Server, floor and simulators share the machine's cores; period forced to ${r.config.periodSeconds} s, ` +
      `window ${r.config.windowSeconds} s, ${r.config.sourceAddresses} source addresses, ${r.config.simProcesses} simulator processes.`,
  );
  lines.push('');
  const table: string[][] = [
    ['', 'Muster', 'Floor (ws TLS)', 'Muster/floor'],
    ['Connected', int(m.connected), f ? int(f.connected) : '-', ''],
    [
      'Connect time (enroll for Muster)',
      `${fixed(m.enrollSeconds, 1)} s`,
      f ? `${fixed(f.connectSeconds, 1)} s` : '-',
      '',
    ],
    ['Server RSS, no clients', mib(m.memory.baselineBytes), f ? mib(f.memory.baselineBytes) : '-', ''],
    ['Server RSS, all connected', mib(m.memory.connectedBytes), f ? mib(f.memory.connectedBytes) : '-', ''],
    [
      'Server RSS per connection',
      kib(m.memory.perConnectionBytes),
      f ? kib(f.memory.perConnectionBytes) : '-',
      f ? ratio(m.memory.perConnectionBytes, f.memory.perConnectionBytes) : '',
    ],
    ...windowRows(m.window, f?.window ?? null, ratio),
  ];
  const underLoad = (w: WindowResult, baseline: number) =>
    w.connections > 0 ? (w.serverRssBytes - baseline) / w.connections : Number.NaN;
  const mLoad = underLoad(m.window, m.memory.baselineBytes);
  const fLoad = f ? underLoad(f.window, f.memory.baselineBytes) : Number.NaN;
  table.push([
    'Server RSS per connection under load',
    kib(mLoad),
    f ? kib(fLoad) : '-',
    f ? ratio(mLoad, fLoad) : '',
  ]);
  lines.push(alignColumns(table));
  lines.push('');
  lines.push(
    `Enrollment: ${fixed(m.enrollPerSecond, 0)} agents/s with ${r.config.concurrency} in flight, ` +
      `${fixed(m.enrollServerCpuMsPerAgent, 2)} ms server CPU per agent.`,
  );
  lines.push(
    `Period change through the API: PUT answered in ${fixed(m.periodChange.apiSeconds, 1)} s, ` +
      `${int(m.periodChange.applied)} agents on the new period after ${fixed(m.periodChange.appliedSeconds, 1)} s.`,
  );
  if (m.restart) {
    const x = m.restart;
    lines.push(
      `Restart (SIGTERM, same data dir and port; period ${x.periodSeconds} s, so reconnect backoff capped at ${x.periodSeconds} s): shutdown ${fixed(x.shutdownSeconds, 1)} s` +
        `${x.exitedGracefully ? '' : ' (had to be killed)'}, start ${fixed(x.startSeconds, 1)} s, ` +
        `${int(x.reconnected)}/${int(x.agentsBefore)} welcomed again ` +
        (x.totalSeconds === null
          ? 'before the time limit'
          : `${fixed(x.totalSeconds, 1)} s after SIGTERM (${fixed(x.reconnectSecondsFromStart, 1)} s after the new process was spawned)`) +
        `; server reports ${int(x.serverConnectedAgents)} connected, RSS ${mib(x.rssAfterBytes)}; ` +
        `${int(x.failedAttempts)} failed attempts; new process used ${fixed(x.serverCpuSeconds, 1)} CPU-s ` +
        `(${fixed(x.serverCpuMsPerReconnect, 1)} ms per agent back, start-up and abandoned handshakes included).`,
    );
    lines.push(
      `Restart timeline (s after SIGTERM: agents back): ${x.timeline.map(([t, n]) => `${fixed(t, 0)}:${n}`).join(' ')}`,
    );
  }
  if (m.connectFailures > 0)
    lines.push(`Failed connection attempts: ${int(m.connectFailures)} (last: ${m.lastError})`);
  if (m.serverWarnings.count > 0)
    lines.push(`Server log lines at warn or above: ${int(m.serverWarnings.count)}`);
  lines.push('');
  lines.push(
    alignColumns([
      ['', 'Target', 'Goal', 'Measured', 'Note'],
      ...r.targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.name, t.target, t.measured, t.note]),
    ]),
  );
  lines.push('');
  lines.push(
    reached >= r.fullSizeTarget
      ? `Full-size target ${int(r.fullSizeTarget)} agents: reached (${int(reached)}).`
      : `Full-size target is ${int(r.fullSizeTarget)} agents; this run measured ${int(reached)} ` +
          `(per-agent figures above are from that size).`,
  );
  return lines.join('\n');
}

/** Writes `<name>.json` and `<name>.md` (checkin-<N> by default); returns their paths. */
export function writeResults(
  r: BenchResults,
  report: string,
  dir: string,
  name: string,
): { json: string; md: string } {
  return writeResultFiles(r, {
    dir,
    name,
    title: `Check-in benchmark, ${r.muster.agentsRequested.toLocaleString('en-US')} agents`,
    script: 'bench:checkin',
    commandLine: r.commandLine,
    report,
  });
}
