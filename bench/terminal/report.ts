import { alignColumns } from '../support/columns';
import { CLIENT_HEAP_GROWTH_PERCENT } from './client-heap';
import type { LatenessWindow } from './crowd-lateness';
import { meanPtyFloor } from './pty-floor';
import type { TerminalResults } from './results';

const f = (n: number, d: number) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const gib = (n: number) => f(n / 1024 ** 3, 1);

function lateness(name: string, w: LatenessWindow | null): string[] {
  if (!w) return [name, 'no crowd'];
  return [
    name,
    `${f(w.seconds, 1)} s`,
    `${w.checkinsSent} check-ins sent`,
    `${w.late} late of ${w.pings} probes (${w.rounds} rounds)`,
    `slowest round ${f(w.worstRoundMs, 0)} ms`,
  ];
}

/** The printed report: the run, each measurement, the profiles, and the targets. */
export function formatTerminalReport(r: TerminalResults): string {
  const m = r.machine;
  const lines = [
    `terminal benchmark at ${r.revision} on ${m.cpuModel} (${m.cores} cores, ${gib(m.totalMemoryBytes)} GiB), ${m.os}, node ${m.nodeVersion}`,
    `load average ${r.loadAverage.atStart.join(' ')} at the start, ${r.loadAverage.atEnd.join(' ')} at the end; ${f(r.durationSeconds, 0)} s`,
    `two server nodes on one PostgreSQL, compiled build; one real agent on node 0; options: ${r.commandLine || '(defaults)'}`,
    `the client (this process, standing for the administrator's browser) runs with V8 heap growth ${CLIENT_HEAP_GROWTH_PERCENT} %, as the servers do by default`,
    '',
    'keystroke echo (one byte to `cat` on a raw terminal and back), ms:',
    alignColumns([
      ['path', 'count', 'lost', 'min', 'p50', 'p90', 'p99', 'max'],
      ...r.echo.map((e) => [
        e.path,
        String(e.ms.count),
        String(e.failures),
        f(e.ms.min, 2),
        f(e.ms.p50, 2),
        f(e.ms.p90, 2),
        f(e.ms.p99, 2),
        f(e.ms.max, 2),
      ]),
    ]),
  ];
  const mem = r.memory;
  if (mem)
    lines.push(
      '',
      `memory: ${mem.opened}/${mem.terminals} idle terminals; node RSS after a full GC ${f(mem.before.rssBytes / 1048576, 1)} -> ${f(mem.after.rssBytes / 1048576, 1)} MiB = ${f(mem.perTerminalBytes / 1024, 1)} KiB per terminal; V8 heap + external ${f(mem.before.heapAndExternalBytes / 1048576, 1)} -> ${f(mem.after.heapAndExternalBytes / 1048576, 1)} MiB = ${f(mem.heapPerTerminalBytes / 1024, 1)} KiB per terminal`,
    );
  const c = r.cat;
  if (c)
    lines.push(
      '',
      `cat, ${c.runs.length} in a row: ${c.runs.map((run) => `${f(run.mibPerSecond, 1)}`).join(', ')} MiB/s, median ${f(c.mibPerSecond, 1)} MiB/s; each received ${c.receivedBytes === c.fileBytes ? `all ${c.fileBytes}` : `at least ${c.receivedBytes} of ${c.fileBytes}`} bytes (stored for the session: bytesOut ${c.sessionBytesOut ?? 'n/a'}, recording ${c.recordingBytes ?? 'n/a'} bytes); ${f(c.seconds, 2)} s in all; cores: server ${f(c.cores.server, 2)}, other node ${f(c.cores.otherServer, 2)}, agent ${f(c.cores.agent, 2)}, client ${f(c.cores.client, 2)}`,
      `bare pseudo-terminal (node-pty reading the same cat in a process of its own, no Muster): ${f(c.ptyFloor.before.mibPerSecond, 1)} MiB/s just before, ${f(c.ptyFloor.after.mibPerSecond, 1)} just after (${c.ptyFloor.before.reads} reads; reader CPU ${f(c.ptyFloor.before.readerCpuSeconds, 2)} s); Muster's median cat is ${f(c.mibPerSecond / meanPtyFloor(c.ptyFloor), 2)} of their mean`,
      'crowd check-ins (late: a ping after them unanswered within the late limit):',
      alignColumns([lateness('  without the cat', c.baseline), lateness('  during the cat', c.duringCat)]),
    );
  for (const [i, p] of r.profiles.entries()) {
    lines.push(
      '',
      `CPU profile of server node ${i} (${f(p.totalMs / 1000, 1)} s sampled, ${f(p.idleMs / 1000, 1)} s idle), self time:`,
    );
    lines.push(alignColumns(p.scripts.slice(0, 10).map((s) => [`  ${f(s.selfMs, 0)} ms`, s.name])));
    lines.push('  hottest functions:');
    lines.push(alignColumns(p.functions.slice(0, 12).map((s) => [`  ${f(s.selfMs, 0)} ms`, s.name])));
  }
  if (r.errors.length > 0) lines.push('', 'errors:', ...r.errors.map((e) => `  ${e}`));
  lines.push(
    '',
    'targets:',
    alignColumns([
      ['result', 'target', 'wanted', 'measured', 'note'],
      ...r.targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.name, t.target, t.measured, t.note]),
    ]),
  );
  return lines.join('\n');
}
