import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A SQLite database file in its own temporary directory. */
export interface TestSqliteFile {
  /** Path of the database file (not created yet; the store creates it). */
  file: string;
  /** Removes the directory, including the WAL and shared-memory files SQLite leaves beside the file. */
  cleanup(): void;
}

/**
 * Reserves a fresh SQLite file path under the OS temporary directory. Each call gets its own
 * directory so parallel test files never share a database or its -wal/-shm companions.
 */
export function createTestSqliteFile(): TestSqliteFile {
  const dir = mkdtempSync(join(tmpdir(), 'muster-test-'));
  return {
    file: join(dir, 'muster.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
