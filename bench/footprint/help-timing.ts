import { spawn } from 'node:child_process';
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
 * takes its turn too: on a slow or busy machine node's own start-up is most of the figure.
 */
export async function timeHelp(
  builds: MusterBuild[],
  runs: number,
): Promise<{ help: HelpTimes[]; nodeAlone: NodeAloneTimes }> {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  for (const build of builds) await timeHelpOnce(build.command);
  await timeHelpOnce(NODE_ALONE, []);
  const times = new Map(builds.map((b) => [b.id, [] as number[]]));
  const alone: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const build of builds) times.get(build.id)?.push(await timeHelpOnce(build.command));
    alone.push(await timeHelpOnce(NODE_ALONE, []));
  }
  return {
    help: builds.map((b) => {
      const runsMs = times.get(b.id) ?? [];
      return { build: b.id, runsMs: runsMs.map(round), medianMs: median(runsMs) };
    }),
    nodeAlone: { runsMs: alone.map(round), medianMs: median(alone) },
  };
}
