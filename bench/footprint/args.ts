import { parseArgs } from 'node:util';
import { RESULTS_DIR } from '../support/paths';

/** How a footprint run is sized. */
export interface FootprintOptions {
  /** `muster --help` runs per build (the median is reported). */
  helpRuns: number;
  /** Seconds an agent is left alone after it is online on the 30 s period, before measuring. */
  settleSeconds: number;
  /** Seconds over which the idle agents' CPU is measured. */
  idleSeconds: number;
  /** Check-in period of the idle agents, seconds. */
  periodSeconds: number;
  /** The commit whose tsx path is measured as "before" (the last one before the compiled build). */
  beforeRevision: string;
  outDir: string;
  /** Base name of the results files. */
  name: string;
  maxMinutes: number;
}

/** The commit before the compiled build: `muster` ran src/main.ts through tsx and loaded every command. */
export const BEFORE_REVISION = '48ca2cb';

/** The help text. */
export const USAGE = `npm run bench:footprint -- [options]
  --help-runs N        muster --help runs per build, median reported (default 15)
  --settle S           seconds an online agent is left alone before it is measured (default 30)
  --idle S             seconds over which idle CPU is measured (default 120)
  --period S           the agents' check-in period (default 30)
  --before REV         commit measured as "before", run through tsx (default ${BEFORE_REVISION})
  --name NAME          results file base name (default footprint)
  --out DIR            results directory (default bench/results)
  --max-minutes M      abort after M minutes (default 15)`;

/** Parses the command line. */
export function parseFootprintArgs(argv: string[]): FootprintOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      'help-runs': { type: 'string' },
      settle: { type: 'string' },
      idle: { type: 'string' },
      period: { type: 'string' },
      before: { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
      'max-minutes': { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const positive = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`--${name} must be a positive whole number, got ${raw}`);
    return n;
  };
  return {
    helpRuns: positive('help-runs', values['help-runs'], 15),
    settleSeconds: positive('settle', values.settle, 30),
    idleSeconds: positive('idle', values.idle, 120),
    periodSeconds: positive('period', values.period, 30),
    beforeRevision: values.before ?? BEFORE_REVISION,
    name: values.name ?? 'footprint',
    outDir: values.out ?? RESULTS_DIR,
    maxMinutes: positive('max-minutes', values['max-minutes'], 15),
  };
}
