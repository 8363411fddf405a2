import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths';
import type { MusterBuild } from './builds';

/** `muster --help` wall times of one build, from spawning the process to its exit, ms. */
export interface HelpTimes {
  build: MusterBuild['id'];
  runsMs: number[];
  medianMs: number;
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** What node alone takes to start and exit here (`node -e 0`), timed in the same turns, ms. */
export interface NodeAloneTimes {
  runsMs: number[];
  medianMs: number;
}

/** A command timed in the same turns as the builds' `--help`, to show what part of it is whose. */
export interface HelpReference {
  label: string;
  command: string[];
}

/** A reference's wall times, ms. */
export interface HelpReferenceTimes {
  label: string;
  runsMs: number[];
  medianMs: number;
}

/** Node starting and exiting with nothing to run: the part of `--help` no build can save. */
const NODE_ALONE = [process.execPath, '-e', '0'];

/** Runs `muster --help` once with NODE_OPTIONS unset; resolves with its wall time in ms. */
function timeHelpOnce(command: string[], args: string[] = ['--help']): Promise<number> {
  const { NODE_OPTIONS: _unset, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [file, ...first] = command as [string, ...string[]];
    const child = spawn(file, [...first, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${[...command, ...args].join(' ')} exited with ${code}: ${stderr}`));
    });
  });
}

/**
 * Times `muster --help` for each build, `runs` times, taking turns so that the machine's other
 * work weighs on all alike; one unmeasured run each first warms the file cache. `node -e 0`
 * takes its turn too (on a slow or busy machine node's own start-up is most of the figure), and
 * so does each reference command.
 */
export async function timeHelp(
  builds: MusterBuild[],
  runs: number,
  references: HelpReference[] = [],
): Promise<{ help: HelpTimes[]; nodeAlone: NodeAloneTimes; references: HelpReferenceTimes[] }> {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  for (const build of builds) await timeHelpOnce(build.command);
  await timeHelpOnce(NODE_ALONE, []);
  for (const reference of references) await timeHelpOnce(reference.command, []);
  const times = new Map(builds.map((b) => [b.id, [] as number[]]));
  const alone: number[] = [];
  const referenceTimes = references.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const build of builds) times.get(build.id)?.push(await timeHelpOnce(build.command));
    alone.push(await timeHelpOnce(NODE_ALONE, []));
    for (const [index, reference] of references.entries())
      referenceTimes[index]?.push(await timeHelpOnce(reference.command, []));
  }
  return {
    help: builds.map((b) => {
      const runsMs = times.get(b.id) ?? [];
      return { build: b.id, runsMs: runsMs.map(round), medianMs: median(runsMs) };
    }),
    nodeAlone: { runsMs: alone.map(round), medianMs: median(alone) },
    references: references.map((reference, index) => {
      const runsMs = referenceTimes[index] ?? [];
      return { label: reference.label, runsMs: runsMs.map(round), medianMs: median(runsMs) };
    }),
  };
}

/**
 * The references the report shows beside `--help`: node loading one empty ES module (what node's
 * module loader costs before any of ours; bin/muster.mjs is an ES module), and the compiled
 * CLI's unbundled entry (packages/cli/dist/main.js), which bin/muster.mjs ran before the bundle.
 */
export function helpReferences(workDir: string): HelpReference[] {
  const empty = join(workDir, 'empty.mjs');
  writeFileSync(empty, '');
  return [
    { label: 'node, one empty ES module', command: [process.execPath, empty] },
    {
      label: 'muster --help, compiled, unbundled',
      command: [process.execPath, join(REPO_ROOT, 'packages/cli/dist/main.js'), '--help'],
    },
  ];
}
