import { constants } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from './durable-file';
import { OFFSITE_DIRS } from './offsite-layout';
import {
  parseSnapshotName,
  type RetentionPolicy,
  selectSnapshotsToKeep,
  snapshotName,
} from './snapshot-retention';

/** A synthetic full snapshot just built. */
export interface SnapshotResult {
  path: string;
  files: number;
  linked: number;
  copied: number;
}

/**
 * Builds a point-in-time full copy of one local server's tree from what the offsite already
 * holds, under `<guid>/.muster-snapshots/<time>/`. Stored files are never modified in place
 * (every change arrives as a new file renamed over the old one), so each file can be a hard
 * link: unchanged files share their inode with every snapshot that has them, and a changed
 * file is a new inode. Where hard links are not possible (some shares) it falls back to a
 * reflink or a copy. Nothing is sent over the network. The snapshot is built under a hidden
 * name and renamed into place, so a half-built one is never mistaken for a snapshot.
 */
export async function buildSyntheticFull(guidDir: string, now = new Date()): Promise<SnapshotResult> {
  const base = join(guidDir, OFFSITE_DIRS.snapshots);
  const name = snapshotName(now);
  const building = join(base, `.building-${name}`);
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  const result: SnapshotResult = { path: join(base, name), files: 0, linked: 0, copied: 0 };
  await mirrorTree(guidDir, building, true, result);
  await rename(building, result.path);
  await fsyncDirectory(base);
  return result;
}

async function mirrorTree(from: string, to: string, top: boolean, result: SnapshotResult): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (top && entry.name.startsWith('.muster-')) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target);
      await mirrorTree(source, target, false, result);
    } else if (entry.isFile()) {
      result.files += 1;
      try {
        await link(source, target);
        result.linked += 1;
      } catch {
        await copyFile(source, target, constants.COPYFILE_FICLONE);
        result.copied += 1;
      }
    }
  }
}

/** Deletes the snapshots the retention policy does not keep (and any half-built one); returns their names. */
export async function pruneSnapshots(guidDir: string, policy: RetentionPolicy): Promise<string[]> {
  const base = join(guidDir, OFFSITE_DIRS.snapshots);
  const names = await readdir(base).catch(() => [] as string[]);
  const snapshots = names.flatMap((name) => {
    const time = parseSnapshotName(name);
    return time ? [{ name, time }] : [];
  });
  const keep = selectSnapshotsToKeep(snapshots, policy);
  const removed = names.filter(
    (name) => name.startsWith('.building-') || (parseSnapshotName(name) && !keep.has(name)),
  );
  for (const name of removed) await rm(join(base, name), { recursive: true, force: true });
  return removed;
}

/** Names of the snapshots held for a local server, oldest first. */
export async function listSnapshots(guidDir: string): Promise<string[]> {
  const names = await readdir(join(guidDir, OFFSITE_DIRS.snapshots)).catch(() => [] as string[]);
  return names.filter((name) => parseSnapshotName(name) !== undefined).sort();
}
