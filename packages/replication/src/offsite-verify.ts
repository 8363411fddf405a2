import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashStoredFile, listManifests, writeManifest } from './manifest-store';
import { guidDirectory } from './offsite-layout';
import { readStalePaths, writeStalePaths } from './store-state';

/** What a verification pass found. */
export interface VerifyReport {
  guid: string;
  filesChecked: number;
  bytesChecked: number;
  /** Files with blocks whose SHA-256 no longer matches the manifest. */
  corrupted: { path: string; blocks: number[] }[];
  /** Files the manifest lists that are gone or were replaced outside replication. */
  missing: string[];
  durationMs: number;
}

/**
 * Re-reads every stored file of one local server and checks each block against the SHA-256
 * in its manifest. Damaged blocks are marked in the manifest (they are never offered as a
 * basis again) and the file is put on the stale list the sender receives at its next hello,
 * so the next pass re-sends exactly the damaged blocks. Run it while no session of that GUID
 * is active (OffsiteServer.verify takes care of that).
 */
export async function verifyOffsite(root: string, guid: string, signal?: AbortSignal): Promise<VerifyReport> {
  const started = performance.now();
  const guidDir = guidDirectory(root, guid);
  const report: VerifyReport = {
    guid,
    filesChecked: 0,
    bytesChecked: 0,
    corrupted: [],
    missing: [],
    durationMs: 0,
  };
  const stale = await readStalePaths(guidDir);
  const staleBefore = stale.size;
  for await (const manifest of listManifests(guidDir)) {
    signal?.throwIfAborted();
    const file = join(guidDir, ...manifest.path.split('/'));
    const info = await stat(file).catch(() => undefined);
    if (!info || info.ino !== manifest.ino || info.size !== manifest.size) {
      report.missing.push(manifest.path);
      stale.add(manifest.path);
      continue;
    }
    const damaged = new Set(manifest.damaged);
    const actual = await hashStoredFile(file, manifest.path, manifest.blockSize, (index, strong) => {
      if (!manifest.strongs.matches(index, strong)) damaged.add(index);
    });
    for (let i = actual.strongs.length; i < manifest.strongs.length; i++) damaged.add(i);
    report.filesChecked += 1;
    report.bytesChecked += actual.size;
    if (damaged.size === 0) {
      // Every block read back as the manifest says: its hashes may be trusted again unread
      // (a snapshot's hard link, for one, changes the stamp without changing a byte).
      if (actual.stamp && actual.stamp !== manifest.stamp) {
        manifest.stamp = actual.stamp;
        await writeManifest(guidDir, manifest);
      }
      continue;
    }
    manifest.damaged = [...damaged].sort((a, b) => a - b);
    await writeManifest(guidDir, manifest);
    stale.add(manifest.path);
    report.corrupted.push({ path: manifest.path, blocks: manifest.damaged });
  }
  if (stale.size !== staleBefore) await writeStalePaths(guidDir, stale);
  report.durationMs = performance.now() - started;
  return report;
}
