import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from './durable-file';

/** What the local server remembers of a file it sent: enough to know, from a stat alone, that it has not changed. */
export interface IndexEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  /** When the file was first found missing locally (epoch ms); it is deleted offsite after the delay. */
  missingSince?: number;
}

/**
 * The local server's record of what its offsite holds: per path, the stat of the version that
 * was last committed there. Valid only for the offsite store it names; a different store id
 * (offsite folder replaced or wiped) means everything must be checked again.
 */
export interface LocalIndex {
  version: 1;
  offsiteFingerprint: string;
  storeId: string;
  files: Record<string, IndexEntry>;
}

/** The index file for one local server GUID in the state directory. */
export function indexFile(stateDir: string, guid: string): string {
  return join(stateDir, `replication-${guid}.index.json`);
}

/** Loads the index, or an empty one when there is none (or it is unreadable: safe, only slower). */
export async function loadLocalIndex(stateDir: string, guid: string): Promise<LocalIndex> {
  try {
    const parsed = JSON.parse(await readFile(indexFile(stateDir, guid), 'utf8')) as LocalIndex;
    if (parsed.version === 1 && typeof parsed.files === 'object' && parsed.files) return parsed;
  } catch {
    // Fall through to an empty index.
  }
  return { version: 1, offsiteFingerprint: '', storeId: '', files: {} };
}

/** Saves the index atomically. */
export async function saveLocalIndex(stateDir: string, guid: string, index: LocalIndex): Promise<void> {
  await writeFileDurable(indexFile(stateDir, guid), JSON.stringify(index));
}

/** Whether a stat still describes the version the index recorded. */
export function unchanged(
  entry: IndexEntry | undefined,
  stat: { size: number; mtimeMs: number; ino: number },
): boolean {
  return (
    entry !== undefined &&
    entry.missingSince === undefined &&
    entry.size === stat.size &&
    entry.mtimeMs === stat.mtimeMs &&
    entry.ino === stat.ino
  );
}
