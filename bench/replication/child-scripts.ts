import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { REPO_ROOT } from '../support/paths';
import { fileTimes, staleSources } from './dist-freshness';

/** How Muster's sender and offsite processes run: the compiled package, or its sources under tsx. */
export type MusterRuntime = 'dist' | 'tsx';

/** The runtimes a run may ask for. */
export const MUSTER_RUNTIMES: readonly MusterRuntime[] = ['dist', 'tsx'];

/** Node's arguments (after any profiling options) that start each Muster child. */
export interface ChildScripts {
  runtime: MusterRuntime;
  sender: string[];
  offsite: string[];
}

const PACKAGE_DIR = join(REPO_ROOT, 'packages/replication');
const CHILD_SOURCES = {
  sender: fileURLToPath(new URL('./sender-child.ts', import.meta.url)),
  offsite: fileURLToPath(new URL('./offsite-child.ts', import.meta.url)),
};

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`,
    );
  }
}

/** Compiles packages/replication to dist/ as `npm run build:packages` does, for this package only. */
function buildReplicationDist(): void {
  run(process.execPath, [
    join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
    '-b',
    join(PACKAGE_DIR, 'tsconfig.build.json'),
  ]);
  run(process.execPath, [join(REPO_ROOT, 'scripts/finish-dist.mjs')]);
}

/** Throws, saying what to do, when `packageDir`/dist does not hold the current sources. */
export function assertDistFresh(packageDir = PACKAGE_DIR): void {
  const stale = staleSources(fileTimes(join(packageDir, 'src')), fileTimes(join(packageDir, 'dist')));
  if (stale.length === 0) return;
  const named = stale.slice(0, 5).join(', ') + (stale.length > 5 ? ` and ${stale.length - 5} more` : '');
  throw new Error(
    `${relative(REPO_ROOT, packageDir) || packageDir}/dist is older than its sources (${named}): the benchmark would measure ` +
      'old code. Run `npm run build:packages` (or pass --build), or --muster-runtime tsx to run the sources.',
  );
}

/**
 * Makes the children runnable. dist: checks (after building, with `rebuild`) that the compiled
 * package is current, then bundles each child script with esbuild into `outDir`, importing
 * @muster/replication from packages/replication/dist: plain node runs what production runs,
 * without tsx's loader in its memory. tsx: the TypeScript sources, for profiling.
 */
export async function prepareChildScripts(
  runtime: MusterRuntime,
  outDir: string,
  rebuild: boolean,
): Promise<ChildScripts> {
  if (runtime === 'tsx')
    return {
      runtime,
      sender: ['--import', 'tsx', CHILD_SOURCES.sender],
      offsite: ['--import', 'tsx', CHILD_SOURCES.offsite],
    };
  if (rebuild) buildReplicationDist();
  assertDistFresh();
  mkdirSync(outDir, { recursive: true });
  const engine = pathToFileURL(join(PACKAGE_DIR, 'dist/index.js')).href;
  await build({
    entryPoints: CHILD_SOURCES,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'muster-replication-dist',
        setup(b) {
          // The engine stays the compiled package's own files, loaded as they ship.
          b.onResolve({ filter: /^@muster\/replication$/ }, () => ({ path: engine, external: true }));
          b.onResolve({ filter: /^@muster\// }, (args) => ({
            errors: [{ text: `${args.path}: only @muster/replication is mapped to its dist` }],
          }));
        },
      },
    ],
  });
  return { runtime, sender: [join(outDir, 'sender.mjs')], offsite: [join(outDir, 'offsite.mjs')] };
}
