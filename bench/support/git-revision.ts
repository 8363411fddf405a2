import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths';

/**
 * The commit the measured server code is at, with "+changes" when packages/ has uncommitted
 * edits; "unknown" outside a git checkout.
 */
export function gitRevision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}
