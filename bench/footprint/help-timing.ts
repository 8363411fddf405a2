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

/** Runs `muster --help` once with NODE_OPTIONS unset; resolves with its wall time in ms. */
function timeHelpOnce(command: string[]): Promise<number> {
  const { NODE_OPTIONS: _unset, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [file, ...first] = command as [string, ...string[]];
    const child = spawn(file, [...first, '--help'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command.join(' ')} --help exited with ${code}: ${stderr}`));
    });
  });
}

/**
 * Times `muster --help` for each build, `runs` times, taking turns so that the machine's other
 * work weighs on both alike; one unmeasured run each first warms the file cache.
 */
export async function timeHelp(builds: MusterBuild[], runs: number): Promise<HelpTimes[]> {
  for (const build of builds) await timeHelpOnce(build.command);
  const times = new Map(builds.map((b) => [b.id, [] as number[]]));
  for (let i = 0; i < runs; i++) {
    for (const build of builds) times.get(build.id)?.push(await timeHelpOnce(build.command));
  }
  return builds.map((b) => {
    const runsMs = times.get(b.id) ?? [];
    return { build: b.id, runsMs: runsMs.map((ms) => Math.round(ms * 10) / 10), medianMs: median(runsMs) };
  });
}
