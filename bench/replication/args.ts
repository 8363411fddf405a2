import { parseArgs } from 'node:util';
import { RESULTS_DIR } from '../support/paths';
import { MUSTER_RUNTIMES, type MusterRuntime } from './child-scripts';

/** The tools a run can compare. */
export const TOOL_NAMES = ['muster', 'rsync-ssh', 'rsync-daemon'] as const;

/** One of the tools under comparison. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** How a replication benchmark run is sized. */
export interface ReplicationBenchOptions {
  /** Size of the full image, GiB (the other files scale with it). */
  imageGib: number;
  smallFiles: number;
  quick: boolean;
  tools: ToolName[];
  /** Parent of the temporary work directory (it needs about 5x the seeded data free). */
  workParent: string;
  /** Base name of the results files (default replication-<image size>). */
  name: string | undefined;
  outDir: string;
  keep: boolean;
  /** Extra node options for Muster's sender and offsite processes (e.g. --cpu-prof). */
  musterNodeArgs: string[];
  /** The offsite's hash worker threads (its hashThreads option; 0 hashes on the event loop). */
  offsiteHashThreads: number;
  /** How Muster's processes run: compiled packages/replication/dist (default) or sources under tsx. */
  musterRuntime: MusterRuntime;
  /** Compile packages/replication to dist/ before the run (else a stale dist fails the run). */
  build: boolean;
  /** The whole run is aborted after this many minutes. */
  maxMinutes: number;
}

/** The help text. */
export const USAGE = `node --import tsx bench/replication/replication.bench.ts [options]
  --image-gib N      size of the full image in GiB (default 4; --quick 0.25); the growing file is
                     half of it, increments 1/8, the resume file 1/4
  --small-files N    small files of 1-64 KiB (default 10000; --quick 500)
  --quick            small sizes, to check the run end to end
  --tools LIST       comma-separated subset of ${TOOL_NAMES.join(',')} (default all)
  --work-dir DIR     where the temporary work directory is made (default the system temp dir)
  --name NAME        results file base name (default replication-<image size>)
  --out DIR          results directory (default bench/results)
  --keep             keep the work directory
  --muster-node-args="A B"  extra node options for Muster's processes (e.g. "--cpu-prof --cpu-prof-dir=DIR")
  --muster-runtime R dist (default): Muster's sender and offsite run on plain node from
                     packages/replication/dist, which must be newer than its sources; tsx: they
                     run the TypeScript sources under tsx (for profiling; more memory)
  --offsite-hash-threads N  worker threads hashing received blocks on Muster's offsite
                     (its hashThreads option; default 0: on the event loop)
  --build            compile packages/replication to dist first (tsc -b + scripts/finish-dist.mjs)
  --max-minutes M    abort the whole run after M minutes (default 120)`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not "${text}"`);
  return n;
}

function toolList(text: string | undefined): ToolName[] {
  if (text === undefined) return [...TOOL_NAMES];
  const names = text.split(',').map((s) => s.trim());
  for (const name of names)
    if (!(TOOL_NAMES as readonly string[]).includes(name)) throw new Error(`unknown tool "${name}"`);
  if (!names.includes('muster')) throw new Error('--tools must include muster (it is what is measured)');
  return names as ToolName[];
}

function runtime(text: string | undefined): MusterRuntime {
  if (text === undefined) return 'dist';
  if (!(MUSTER_RUNTIMES as readonly string[]).includes(text))
    throw new Error(`--muster-runtime must be one of ${MUSTER_RUNTIMES.join(', ')}, not "${text}"`);
  return text as MusterRuntime;
}

/** The --offsite-hash-threads value: a whole number, 0 when absent. */
function hashThreads(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--offsite-hash-threads must be a whole number >= 0, not "${text}"`);
  return n;
}

/** Parses the command line. */
export function parseReplicationArgs(argv: string[], tmp: string): ReplicationBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'image-gib': { type: 'string' },
      'small-files': { type: 'string' },
      quick: { type: 'boolean', default: false },
      tools: { type: 'string' },
      'work-dir': { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'muster-node-args': { type: 'string' },
      'muster-runtime': { type: 'string' },
      'offsite-hash-threads': { type: 'string' },
      build: { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  return {
    imageGib: positive('image-gib', values['image-gib'], quick ? 0.25 : 4),
    smallFiles: Math.floor(positive('small-files', values['small-files'], quick ? 500 : 10_000)),
    quick,
    tools: toolList(values.tools),
    workParent: values['work-dir'] ?? tmp,
    name: values.name,
    outDir: values.out ?? RESULTS_DIR,
    keep: values.keep === true,
    musterNodeArgs: (values['muster-node-args'] ?? '').split(' ').filter(Boolean),
    musterRuntime: runtime(values['muster-runtime']),
    offsiteHashThreads: hashThreads(values['offsite-hash-threads']),
    build: values.build === true,
    maxMinutes: positive('max-minutes', values['max-minutes'], 120),
  };
}
