import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where one server process spent its CPU time, from its node --cpu-prof profile. */
export interface ProfileSummary {
  file: string;
  /** Sampled time in all, ms (idle included). */
  totalMs: number;
  idleMs: number;
  /** The functions with the most self time, ms. */
  functions: Array<{ name: string; selfMs: number }>;
  /** Self time summed by script (package for node_modules), ms. */
  scripts: Array<{ name: string; selfMs: number }>;
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** A script's short name: the package for node_modules, the path from packages/ otherwise. */
function scriptName(url: string): string {
  if (!url) return '(native / runtime)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const pk = url.indexOf('packages/');
  return pk >= 0 ? url.slice(pk) : url.replace(/^file:\/\//, '');
}

const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, selfMs: us / 1000 }));

/** Sums a .cpuprofile's sample times per function and per script. */
export function summarizeProfile(path: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const functions = new Map<string, number>();
  const scripts = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id);
    if (!frame) return;
    total += us;
    if (frame.functionName === '(idle)') {
      idle += us;
      return;
    }
    const script = scriptName(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${script}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    scripts.set(script, (scripts.get(script) ?? 0) + us);
  });
  return {
    file: path,
    totalMs: total / 1000,
    idleMs: idle / 1000,
    functions: top(functions, count),
    scripts: top(scripts, count),
  };
}

/** Summaries of every .cpuprofile in `dir` (none when it is missing). */
export function summarizeProfiles(dir: string): ProfileSummary[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return names.sort().map((n) => summarizeProfile(join(dir, n)));
}
