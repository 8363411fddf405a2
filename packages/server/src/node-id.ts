import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in a node's data directory that holds its id. */
export const NODE_ID_FILE = 'node-id';

/**
 * This server node's id, the same across its restarts: read from its data directory, made
 * there the first time. It marks the machines whose `connected` flag the node holds, so that
 * at its next start the node can clear the flags of sessions it had when it was killed (or
 * stopped before it could write their ends). The data directory is locked to one process, so
 * no two running nodes share an id.
 */
export function nodeIdOf(dataDir: string): string {
  const file = join(dataDir, NODE_ID_FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{8,64}$/.test(kept)) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Written whole or not at all: a crash mid-write must not leave an id cut short.
  const id = randomBytes(12).toString('base64url');
  writeFileSync(`${file}.tmp`, `${id}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return id;
}
