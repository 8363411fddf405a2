import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths';

/** The console served during the run: where it is and what it weighs. */
export interface ConsoleBuild {
  dir: string;
  /** Built by the bench from the source (true) or given with --console-dir. */
  builtByBench: boolean;
  /** Bytes of the page's script and style sheet (uncompressed; the server sends them as they are). */
  assetBytes: number;
  buildSeconds: number;
}

/**
 * Builds packages/console's source with its own Vite into `outDir`, so the pages timed are the
 * code at this revision, not whatever packages/console/dist last held; or takes a given folder.
 */
export function consoleBuild(given: string | null, outDir: string): ConsoleBuild {
  const started = performance.now();
  if (given === null) {
    execFileSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: join(REPO_ROOT, 'packages/console'),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const dir = given ?? outDir;
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} holds no built console (index.html)`);
  const assets = join(dir, 'assets');
  let assetBytes = 0;
  if (existsSync(assets)) {
    for (const name of readdirSync(assets))
      if (/\.(js|css)$/.test(name)) assetBytes += statSync(join(assets, name)).size;
  }
  return {
    dir,
    builtByBench: given === null,
    assetBytes,
    buildSeconds: (performance.now() - started) / 1000,
  };
}
