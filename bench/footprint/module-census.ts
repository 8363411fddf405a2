import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MusterBuild } from './builds';

const MODULE_LOG_HOOK = fileURLToPath(new URL('../../e2e/support/module-log/register.mjs', import.meta.url));

/** What a command line loads: ES modules resolved, and the dependency packages among them. */
export interface ModuleCensus {
  build: MusterBuild['id'];
  command: string;
  modules: number;
  /** Packages under node_modules the modules came from (TypeScript tooling and database drivers show here). */
  packages: string[];
}

/** The package a module URL belongs to, when it is a dependency (…/node_modules/<name>/…). */
function packageOf(url: string): string | null {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match ? (match[1] as string) : null;
}

/**
 * Runs `muster <args>` of a build with a module log (e2e/support/module-log) and lists what it
 * loaded. Only ES module resolutions are seen (CommonJS require() inside a package is not), which
 * is enough to tell which packages a command pulls in.
 */
export function moduleCensus(build: MusterBuild, args: string[]): ModuleCensus {
  const dir = mkdtempSync(join(tmpdir(), 'muster-footprint-modules-'));
  try {
    const log = join(dir, 'modules');
    const { NODE_OPTIONS: _unset, ...env } = process.env;
    const [file, ...first] = build.command as [string, ...string[]];
    spawnSync(file, [...first, ...args], {
      env: { ...env, NODE_OPTIONS: `--import=${MODULE_LOG_HOOK}`, MUSTER_MODULE_LOG: log },
      stdio: 'ignore',
    });
    const urls = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
    const packages = [...new Set(urls.map(packageOf).filter((p): p is string => p !== null))].sort();
    return { build: build.id, command: `muster ${args.join(' ')}`, modules: urls.length, packages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
