import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from './durable-file';
import { OFFSITE_DIRS } from './offsite-layout';

/**
 * The identity of one local server's store on this offsite, made when its folder is first
 * used. The sender keeps it in its index: if the offsite folder is replaced or wiped, the id
 * changes and the sender stops trusting its idea of what the offsite holds.
 */
export async function loadStoreId(guidDir: string): Promise<string> {
  const file = join(guidDir, OFFSITE_DIRS.store);
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { storeId?: unknown };
    if (typeof parsed.storeId === 'string') return parsed.storeId;
  } catch {
    // Missing or torn: a new id makes the sender re-check everything, which is safe.
  }
  await mkdir(guidDir, { recursive: true });
  const storeId = randomUUID();
  await writeFileDurable(file, JSON.stringify({ storeId, createdAt: new Date().toISOString() }));
  return storeId;
}

/** Paths whose stored copy is known bad (damaged blocks, missing file): the sender must re-check them. */
export async function readStalePaths(guidDir: string): Promise<Set<string>> {
  try {
    const parsed = JSON.parse(await readFile(join(guidDir, OFFSITE_DIRS.stale), 'utf8')) as {
      paths?: unknown;
    };
    return new Set(Array.isArray(parsed.paths) ? parsed.paths.filter((p) => typeof p === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Replaces the stale path list. */
export async function writeStalePaths(guidDir: string, paths: Set<string>): Promise<void> {
  await writeFileDurable(join(guidDir, OFFSITE_DIRS.stale), JSON.stringify({ paths: [...paths].sort() }));
}
