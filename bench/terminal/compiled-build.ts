import { join, relative } from 'node:path';
import { fileTimes, staleSources } from '../replication/dist-freshness';
import { REPO_ROOT } from '../support/paths';

/** The packages whose compiled output the server and agent processes run. */
const RUN_PACKAGES = ['protocol', 'server', 'agent', 'cli'];

/**
 * Throws, saying what to do, when a package's dist/ does not hold its current sources: the
 * benchmark runs `muster server` and `muster agent` from the compiled build, as production
 * does, and would otherwise measure old code.
 */
export function assertCompiledBuildFresh(): void {
  const stale: string[] = [];
  for (const name of RUN_PACKAGES) {
    const dir = join(REPO_ROOT, 'packages', name);
    for (const path of staleSources(fileTimes(join(dir, 'src')), fileTimes(join(dir, 'dist'))))
      stale.push(`${relative(REPO_ROOT, dir)}/src/${path}`);
  }
  if (stale.length === 0) return;
  const named = stale.slice(0, 5).join(', ') + (stale.length > 5 ? ` and ${stale.length - 5} more` : '');
  throw new Error(
    `the compiled build is older than its sources (${named}): run \`npm run build:packages\` first`,
  );
}
