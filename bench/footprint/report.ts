import type { MachineInfo } from '../support/machine-info';
import type { FootprintOptions } from './args';
import type { BuildId } from './builds';
import {
  type HelpReferenceTimes,
  type HelpTimes,
  type NodeAloneTimes,
  STARTUP_ENVIRONMENTS,
  type StartupEnvironment,
} from './help-timing';
import type { IdleAgentUsage } from './idle-agents';
import type { ModuleCensus } from './module-census';
import { TARGETS, verdict } from './targets';

/** Everything one footprint run measured (the JSON file). */
export interface FootprintResults {
  machine: MachineInfo;
  /** The commit of this tree (the compiled build), "+changes" when packages/ had edits. */
  revision: string;
  options: FootprintOptions;
  builds: Partial<Record<BuildId, string>>;
  help: HelpTimes[];
  /** `node -e 0` in the same turns, in each environment: node's own start-up on this machine at that time. */
  nodeAlone: NodeAloneTimes[];
  /** The NODE_* variables the `inherited` environment had (names only), which `node-defaults` drops. */
  inheritedNodeVariables: string[];
  /** Other commands timed in the same turns (an empty ES module; the compiled CLI unbundled). */
  helpReferences: HelpReferenceTimes[];
  idle: IdleAgentUsage[];
  census: ModuleCensus[];
  /** USER_HZ: the unit of the CPU times read from /proc. */
  clockTicksPerSecond: number;
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const pct = (share: number) => `${(share * 100).toFixed(3)} %`;

/** The table printed at the end of a run and kept in the report. */
export function resultTable(r: FootprintResults): string {
  const help = (id: BuildId, env: StartupEnvironment = 'node-defaults') =>
    r.help.find((h) => h.build === id && h.environment === env);
  const alone = (env: StartupEnvironment) => r.nodeAlone.find((a) => a.environment === env);
  const inherited = `with ${r.inheritedNodeVariables.join(', ') || 'the same environment'}`;
  const idle = (id: BuildId) => r.idle.find((a) => a.build === id);
  const columns: BuildId[] = ['before', 'after', 'sea'];
  const rows: string[][] = [['', 'target', ...columns.map((id) => r.builds[id] ?? id), 'verdict']];
  /** A measured row, judged on `judged`: the build the target is about. */
  const row = (
    name: string,
    target: string,
    value: (id: BuildId) => number | undefined,
    format: (v: number) => string,
    bound: number,
    judged: BuildId,
    strict = false,
  ) => {
    const measured = value(judged);
    rows.push([
      name,
      target,
      ...columns.map((id) => {
        const v = value(id);
        return v === undefined ? '-' : format(v);
      }),
      measured === undefined ? '-' : `${verdict(measured, bound, strict)} ${format(measured)} (${judged})`,
    ]);
  };
  row(
    'muster --help, start to exit (median)',
    `≤ ${TARGETS.helpMs} ms`,
    (id) => help(id)?.medianMs,
    ms,
    TARGETS.helpMs,
    'after',
  );
  for (const env of STARTUP_ENVIRONMENTS) {
    const label = env === 'node-defaults' ? '' : `, ${inherited}`;
    if (env !== 'node-defaults')
      rows.push([
        `muster --help${label} (median)`,
        '',
        ...columns.map((id) => {
          const h = help(id, env);
          return h ? ms(h.medianMs) : '-';
        }),
        '',
      ]);
    const nodeAlone = alone(env)?.medianMs ?? Number.NaN;
    rows.push([
      `node -e 0 alone${label}, same turns (median)`,
      '',
      ...columns.map((id) => (id === 'after' ? ms(nodeAlone) : '')),
      `--help adds ${ms((help('after', env)?.medianMs ?? Number.NaN) - nodeAlone)}`,
    ]);
    for (const reference of r.helpReferences.filter((ref) => ref.environment === env))
      rows.push([
        `${reference.label}${label}, same turns (median)`,
        '',
        ...columns.map((id) => (id === 'after' ? ms(reference.medianMs) : '')),
        '',
      ]);
  }
  row(
    // "At most" is about the whole idle window: the highest RSS seen, not a lucky moment.
    'idle agent RSS, highest over the window',
    `≤ ${mb(TARGETS.idleRssBytes)}`,
    (id) => idle(id)?.rssMaxBytes,
    mb,
    TARGETS.idleRssBytes,
    'sea',
  );
  row(
    `idle agent CPU, ${r.options.periodSeconds} s check-in period`,
    `< ${pct(TARGETS.idleCpuShare)} of a core`,
    (id) => idle(id)?.cpuShareOfCore,
    pct,
    TARGETS.idleCpuShare,
    'sea',
    true,
  );
  rows.push([
    'idle agent CPU time / window',
    '',
    ...columns.map((id) => {
      const a = idle(id);
      return a ? `${a.cpuSeconds.toFixed(2)} s / ${a.idleWindowSeconds.toFixed(0)} s` : '-';
    }),
    '',
  ]);
  rows.push([
    'idle agent RSS at its highest: private / files',
    '',
    ...columns.map((id) => {
      const split = idle(id)?.rssSplitAtMax;
      return split ? `${mb(split.anonBytes)} / ${mb(split.fileBytes)}` : '-';
    }),
    '',
  ]);
  rows.push([
    'idle agent RSS after settling / at end',
    '',
    ...columns.map((id) => {
      const a = idle(id);
      return a ? `${mb(a.rssAfterSettleBytes)} / ${mb(a.rssAtEndBytes)}` : '-';
    }),
    '',
  ]);
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((line) => (line[col] ?? '').length))) ?? [];
  return rows
    .map((line) =>
      line
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The module census as lines: what each command line loads. */
export function censusLines(r: FootprintResults): string[] {
  return r.census.map(
    (c) =>
      `${r.builds[c.build]}: \`${c.command}\` resolves ${c.modules} ES modules from ${c.packages.length} packages: ${c.packages.join(', ') || '(none)'}`,
  );
}

/** The Markdown report. */
export function markdownReport(r: FootprintResults): string {
  const m = r.machine;
  const window = r.idle[0];
  return `# Footprint benchmark: \`muster --help\`, an idle agent

Produced by \`npm run bench:footprint\`; raw numbers in footprint.json next to this one.

- Machine: ${m.cpuModel}, ${m.cores} cores, ${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.nodeVersion}, ${m.os}; load average ${m.loadAverageAtStart.join(' ')} at start (a shared machine); ${m.date}.
- After: this tree at ${r.revision}, compiled and bundled (\`packages/cli/bin/muster.mjs\` → \`packages/cli/dist/bundle\`, see scripts/bundle-cli.mjs; plain node).
- Before: commit ${r.options.beforeRevision}, the last one before the compiled build, as it ran then: its \`bin/muster.mjs\` registered tsx and imported \`src/main.ts\`, which loaded every subcommand.
- \`muster --help\`: ${r.options.helpRuns} runs per build and environment, all taking turns, from spawning node to its exit, NODE_OPTIONS unset. Timed twice: with node's defaults (every NODE_* variable unset, as on a machine nobody configured node on: the verdict) and with this machine's own environment (${r.inheritedNodeVariables.join(', ') || 'no other NODE_* variable'}). This workplace sets NODE_EXTRA_CA_CERTS to the whole system CA bundle for every process; node reads and parses that file while it starts, before any JavaScript runs, so it weighs on \`node -e 0\` as much as on \`muster\`: the rows "--help adds" show what is Muster's own.
- Single executable agent: \`npm run build:agent\` (the agent command bundled into node's single executable application), built in the same run; it is the agent alone, so it has no \`muster --help\` figure.
- Verdicts: \`muster --help\` is judged on the compiled build (after); the idle agent's RSS and CPU on the single executable, the agent \`muster install-token create --script\` and \`muster agent install\` put on a managed machine.
- Idle agents: one of each build, side by side, each started from an executable evicted from the page cache (as after a reboot; see bench/footprint/page-cache.ts for why a file just written maps larger), enrolled with one server (compiled, same machine), check-in period set to ${r.options.periodSeconds} s through \`PUT /checkin-control\`, left alone ${r.options.settleSeconds} s once online on it, then RSS (VmRSS) and CPU (utime + stime of /proc/<pid>/stat) over ${window ? window.idleWindowSeconds.toFixed(0) : r.options.idleSeconds} s. Default log level, default user probe, output discarded.

\`\`\`
${resultTable(r)}
\`\`\`

CPU time is read from /proc in ticks of ${(1000 / r.clockTicksPerSecond).toFixed(0)} ms, so one tick is ${pct(1 / r.clockTicksPerSecond / (window?.idleWindowSeconds ?? r.options.idleSeconds))} of a core over this window: a figure within a tick of the target is at the target, not clearly under it.

## What the commands load

${censusLines(r)
  .map((line) => `- ${line}`)
  .join('\n')}
`;
}
