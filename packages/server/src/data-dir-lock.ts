import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { ServerStartError } from './server-start-error';

/** The lock file in the data directory; its lock is held by the operating system. */
export const LOCK_FILE = 'server.lock';
/** Who holds the lock, for the message a second server shows; informational only. */
export const PID_FILE = 'server.pid';

/** The data directory is in use by another server process. */
export class DataDirLockedError extends ServerStartError {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | null,
  ) {
    super(
      `data directory ${dataDir} is in use by another muster server` +
        `${holderPid ? ` (pid ${holderPid})` : ''}: stop that server first, or give this one its own --data-dir`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** The lock on a data directory, held until `release()` or the end of the process. */
export interface DataDirLock {
  /** Releases the lock (the lock file stays, so the next server locks the same file). */
  release(): void;
  /** Deletes the lock file while still holding its lock, then releases it (a failed first start). */
  releaseAndRemove(): void;
}

/**
 * Takes the data directory for this process, so two servers never share one store.
 *
 * The lock is SQLite's own exclusive file lock (fcntl on Unix, LockFileEx on Windows) on
 * `<dataDir>/server.lock`, held by a connection in exclusive locking mode. The operating system
 * drops it when the process ends however it ends, so a server killed with SIGKILL never blocks
 * the next start, and a reused pid cannot fool it the way a pid file can. SQLite also keeps
 * its locks straight between connections of one process, so a second server started in the
 * same process (tests) is refused as well.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const pidFile = join(dataDir, PID_FILE);
  // timeout 0: a lock that is held is refused at once instead of waiting for it.
  const db = new SQLite(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Nothing here needs to survive a crash; no journal file is left beside the lock.
    db.pragma('journal_mode = MEMORY');
    // The first write takes the exclusive lock; in exclusive mode it is kept after the commit.
    db.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY, pid INTEGER, since INTEGER)');
    db.prepare('INSERT OR REPLACE INTO holder (id, pid, since) VALUES (1, ?, ?)').run(
      process.pid,
      Date.now(),
    );
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new DataDirLockedError(dataDir, holderPid(pidFile));
    throw error;
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  let held = true;
  const release = (remove: boolean) => {
    if (!held) return;
    held = false;
    rmSync(pidFile, { force: true });
    // Unlinked while locked: a server that opened the old file in between is refused, not let in.
    if (remove) rmSync(file, { force: true });
    db.close();
  };
  return { release: () => release(false), releaseAndRemove: () => release(true) };
}

function holderPid(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
