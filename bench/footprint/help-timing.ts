import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths';
import type { MusterBuild } from './builds';

/**
 * The environments every command is timed in, each in the same turns.
 * - `inherited`: the benchmark's own environment, NODE_OPTIONS unset. On this workplace's machines
 *   it holds NODE_EXTRA_CA_CERTS (the whole system CA bundle), which node reads and parses while it
 *   starts, before any JavaScript runs: measured here, that alone adds 35-60 ms to `node -e 0`.
 * - `node-defaults`: every NODE_* variable unset, as on a machine nobody configured node on; what
 *   an administrator running `muster` gets by default, and what the target is judged on.
 */
export const STARTUP_ENVIRONMENTS = ['node-defaults', 'inherited'] as const;
/** One of STARTUP_ENVIRONMENTS. */
export type StartupEnvironment = (typeof STARTUP_ENVIRONMENTS)[number];

/** The NODE_* variables of this process's environment that `inherited` keeps and `node-defaults` drops. */
export function inheritedNodeVariables(): string[] {
  return Object.keys(process.env)
    .filter((name) => name.startsWith('NODE_') && name !== 'NODE_OPTIONS')
    .sort();
}

/** The environment a timed process gets. */
export function startupEnv(environment: StartupEnvironment): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_OPTIONS') continue;
    if (environment === 'node-defaults' && name.startsWith('NODE_')) continue;
    env[name] = value;
  }
  return env;
}

/** `muster --help` wall times of one build in one environment, from spawning the process to its exit, ms. */
export interface HelpTimes {
  build: MusterBuild['id'];
  environment: StartupEnvironment;
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
  environment: StartupEnvironment;
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
  environment: StartupEnvironment;
  runsMs: number[];
  medianMs: number;
}

/** Node starting and exiting with nothing to run: the part of `--help` no build can save. */
const NODE_ALONE = [process.execPath, '-e', '0'];

/** Runs a command once in `environment`; resolves with its wall time in ms. */
function timeOnce(command: string[], args: string[], environment: StartupEnvironment): Promise<number> {
  const env = startupEnv(environment);
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

/** One command to time: a build's `--help`, node alone, or a reference, in one environment. */
interface Timed {
  command: string[];
  args: string[];
  environment: StartupEnvironment;
  runsMs: number[];
}

/**
 * Times `muster --help` for each build, `runs` times, in each of STARTUP_ENVIRONMENTS, taking
 * turns so that the machine's other work weighs on all alike; one unmeasured run each first warms
 * the file cache. `node -e 0` takes its turn too (on a slow or busy machine node's own start-up is
 * most of the figure), and so does each reference command.
 */
export async function timeHelp(
  builds: MusterBuild[],
  runs: number,
  references: HelpReference[] = [],
): Promise<{ help: HelpTimes[]; nodeAlone: NodeAloneTimes[]; references: HelpReferenceTimes[] }> {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const entry = (command: string[], args: string[], environment: StartupEnvironment): Timed => ({
    command,
    args,
    environment,
    runsMs: [],
  });
  const helps = STARTUP_ENVIRONMENTS.flatMap((env) =>
    builds.map((b) => ({ build: b.id, timed: entry(b.command, ['--help'], env) })),
  );
  const alone = STARTUP_ENVIRONMENTS.map((env) => entry(NODE_ALONE, [], env));
  const refs = STARTUP_ENVIRONMENTS.flatMap((env) =>
    references.map((r) => ({ label: r.label, timed: entry(r.command, [], env) })),
  );
  const all = [...helps.map((h) => h.timed), ...alone, ...refs.map((r) => r.timed)];
  for (const t of all) await timeOnce(t.command, t.args, t.environment);
  for (let i = 0; i < runs; i++)
    for (const t of all) t.runsMs.push(await timeOnce(t.command, t.args, t.environment));
  const summary = (t: Timed) => ({
    environment: t.environment,
    runsMs: t.runsMs.map(round),
    medianMs: median(t.runsMs),
  });
  return {
    help: helps.map((h) => ({ build: h.build, ...summary(h.timed) })),
    nodeAlone: alone.map(summary),
    references: refs.map((r) => ({ label: r.label, ...summary(r.timed) })),
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
