import type { TargetRow } from '../support/target-row';
import { meanPtyFloor } from './pty-floor';
import type { TerminalResults } from './results';

/** The issue's targets (issue 14). */
export const TERMINAL_TARGETS = {
  sameNodeP50Ms: 10,
  sameNodeP99Ms: 50,
  otherNodeP50Ms: 20,
  catMiBPerSecond: 50,
  perTerminalBytes: 256 * 1024,
} as const;

const T = TERMINAL_TARGETS;
const fixed = (n: number | null | undefined, d: number) =>
  n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(d) : 'n/a';
const below = (n: number | null | undefined, limit: number) =>
  n !== null && n !== undefined && Number.isFinite(n) && n <= limit;

/** Every target with its measured figure and PASS or MISS; a miss never fails the run. */
export function evaluateTerminalTargets(
  r: Omit<TerminalResults, 'targets' | 'durationSeconds'>,
): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (name: string, target: string, measured: string, pass: boolean, note = '') =>
    rows.push({ name, target, measured, pass, note });
  const same = r.echo.find((e) => e.path === 'same-node');
  const other = r.echo.find((e) => e.path === 'other-node');
  const echoNote = (e: typeof same) =>
    e ? `${e.ms.count} keystrokes, ${e.failures} lost; max ${fixed(e.ms.max, 1)} ms` : 'not run';
  add(
    'Keystroke echo p50, agent on the same node',
    `<= ${T.sameNodeP50Ms} ms`,
    `${fixed(same?.ms.p50, 2)} ms`,
    below(same?.ms.p50, T.sameNodeP50Ms) && same?.failures === 0,
    echoNote(same),
  );
  add(
    'Keystroke echo p99, agent on the same node',
    `<= ${T.sameNodeP99Ms} ms`,
    `${fixed(same?.ms.p99, 2)} ms`,
    below(same?.ms.p99, T.sameNodeP99Ms) && same?.failures === 0,
    '',
  );
  add(
    'Keystroke echo p50, agent on the other node',
    `<= ${T.otherNodeP50Ms} ms`,
    `${fixed(other?.ms.p50, 2)} ms`,
    below(other?.ms.p50, T.otherNodeP50Ms) && other?.failures === 0,
    other ? `${echoNote(other)}; p99 ${fixed(other.ms.p99, 2)} ms` : 'not run',
  );
  const c = r.cat;
  const late = c?.duringCat ? c.duringCat.late : null;
  add(
    'cat throughput through the terminal',
    `>= ${T.catMiBPerSecond} MiB/s`,
    `${fixed(c?.mibPerSecond, 1)} MiB/s`,
    c !== null && c.receivedBytes === c.fileBytes && c.mibPerSecond >= T.catMiBPerSecond,
    c
      ? `${c.receivedBytes === c.fileBytes ? '' : `${c.fileBytes - c.receivedBytes} bytes of the file missing; `}median of ${c.runs.length} cats of ${fixed(c.fileBytes / 1048576, 0)} MiB (${c.runs.map((run) => fixed(run.mibPerSecond, 1)).join(', ')}); server ${fixed(c.cores.server, 2)} cores, agent ${fixed(c.cores.agent, 2)}; a bare pseudo-terminal ${fixed(meanPtyFloor(c.ptyFloor), 1)} MiB/s then`
      : 'not run',
  );
  add(
    'Crowd check-ins on time during the cat',
    'late <= without the cat',
    c?.duringCat ? `${late} late of ${c.duringCat.pings} probes` : 'not run',
    c?.duringCat !== null &&
      c?.duringCat !== undefined &&
      c.baseline !== null &&
      c.duringCat.late <= c.baseline.late,
    c?.duringCat && c.baseline
      ? `without the cat ${c.baseline.late} of ${c.baseline.pings}; slowest probe round ${fixed(c.duringCat.worstRoundMs, 0)} ms (without ${fixed(c.baseline.worstRoundMs, 0)} ms)`
      : '',
  );
  const m = r.memory;
  add(
    'Server memory per open terminal',
    `<= ${T.perTerminalBytes / 1024} KiB`,
    m ? `${fixed(m.perTerminalBytes / 1024, 1)} KiB` : 'not run',
    m !== null &&
      m.opened === m.terminals &&
      below(m.perTerminalBytes, T.perTerminalBytes) &&
      below(m.heapPerTerminalBytes, T.perTerminalBytes),
    m
      ? `RSS after a full GC, ${m.opened}/${m.terminals} idle shells; V8 heap + external ${fixed(m.heapPerTerminalBytes / 1024, 1)} KiB each`
      : '',
  );
  return rows;
}
