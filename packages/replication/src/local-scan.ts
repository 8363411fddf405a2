import type { Dirent } from 'node:fs';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type IndexEntry, type LocalIndex, unchanged } from './local-index';

/** A regular file found under the local server directory, by its '/'-separated relative path. */
export interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** What a scan decided: files to send, files whose deletion is due, and how many were looked at. */
export interface ScanPlan {
  scanned: number;
  changed: ScannedFile[];
  deletions: string[];
  /** Files missing locally whose delete delay has not passed yet. */
  deletePending: number;
  /** Whether missing-since times in the index were set or cleared (it must be saved). */
  indexChanged: boolean;
}

/** Stats done between two yields to the event loop (each costs microseconds when synchronous). */
const STATS_PER_SLICE = 256;

/**
 * Walks the local server directory (regular files only; symbolic links are not followed, so a
 * link cannot pull outside data into the offsite copy). Costs one lstat per file, no reads.
 * Synchronous stats in slices, yielding between them: far faster than one thread-pool round
 * trip per file over tens of thousands of files, while never holding the event loop long.
 */
export async function scanLocalDirectory(localDir: string): Promise<ScannedFile[]> {
  const files: ScannedFile[] = [];
  const pending: { dir: string; prefix: string }[] = [{ dir: localDir, prefix: '' }];
  let sinceYield = 0;
  while (pending.length > 0) {
    const { dir, prefix } = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (prefix === '') throw error;
      continue;
    }
    for (const entry of entries) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) pending.push({ dir: full, prefix: path });
      else if (entry.isFile()) {
        const info = lstatSync(full, { throwIfNoEntry: false });
        if (info?.isFile()) files.push({ path, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino });
        if (++sinceYield >= STATS_PER_SLICE) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Compares a scan with the index (pure apart from updating missing-since times in `index`):
 * new, changed and stale files are sent; files gone longer than the delay are deleted offsite.
 */
export function planPass(
  files: readonly ScannedFile[],
  index: LocalIndex,
  stale: ReadonlySet<string>,
  deleteDelayMs: number,
  now: number,
): ScanPlan {
  const plan: ScanPlan = {
    scanned: files.length,
    changed: [],
    deletions: [],
    deletePending: 0,
    indexChanged: false,
  };
  const present = new Set<string>();
  for (const file of files) {
    present.add(file.path);
    const entry: IndexEntry | undefined = index.files[file.path];
    if (entry?.missingSince !== undefined) {
      delete entry.missingSince;
      plan.indexChanged = true;
    }
    if (stale.has(file.path) || !unchanged(entry, file)) plan.changed.push(file);
  }
  for (const [path, entry] of Object.entries(index.files)) {
    if (present.has(path)) continue;
    if (entry.missingSince === undefined) {
      entry.missingSince = now;
      plan.indexChanged = true;
    }
    if (now - entry.missingSince >= deleteDelayMs) plan.deletions.push(path);
    else plan.deletePending += 1;
  }
  return plan;
}
