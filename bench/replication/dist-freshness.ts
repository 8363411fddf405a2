import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Source files the package build leaves out (tsconfig.build-base.json's exclude). */
const NOT_BUILT = [
  /\.test\.ts$/,
  /\.fixture\.ts$/,
  /-test-[^/]*\.ts$/,
  /\.contract\.ts$/,
  /(^|\/)test-support\.ts$/,
  /(^|\/)test-support\//,
  /(^|\/)conformance\//,
  /\.d\.ts$/,
];

/** Whether the package build compiles the source file at `path` (relative, '/'-separated). */
export function isBuiltSource(path: string): boolean {
  return path.endsWith('.ts') && !NOT_BUILT.some((pattern) => pattern.test(path));
}

/** Modification times of files under `dir`, by '/'-separated relative path ({} when missing). */
export function fileTimes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (current: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.set(relative(dir, full).split(sep).join('/'), statSync(full).mtimeMs);
    }
  };
  walk(dir);
  return out;
}

/**
 * The compiled sources whose JavaScript is missing or older than they are. Per file, because
 * tsc's incremental build rewrites only the outputs that changed: a dist/ with one fresh file
 * may still hold the old code of another. A source touched without being changed (a checkout)
 * is not re-emitted, so one older than the build info (`buildInfoTime`, written by the last
 * build that read every source) is current too: that is tsc -b's own up-to-date rule.
 */
export function staleSources(
  sources: ReadonlyMap<string, number>,
  outputs: ReadonlyMap<string, number>,
  buildInfoTime: number | undefined = outputs.get('.tsbuildinfo'),
): string[] {
  const stale: string[] = [];
  for (const [path, sourceTime] of sources) {
    if (!isBuiltSource(path)) continue;
    const output = outputs.get(path.replace(/\.ts$/, '.js'));
    const seenByBuild = buildInfoTime !== undefined && buildInfoTime >= sourceTime;
    if (output === undefined || (output < sourceTime && !seenByBuild)) stale.push(path);
  }
  return stale.sort();
}
