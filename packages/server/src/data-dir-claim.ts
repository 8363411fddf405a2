import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type DataDirLock, DataDirLockedError, LOCK_FILE, lockDataDir } from './data-dir-lock';

/** A data directory this process holds. */
export interface DataDirClaim {
  /** Gives the directory up after a normal shutdown. */
  release(): void;
  /**
   * Gives the directory up after a failed start, removing whatever this start created in it
   * (the directory itself if it was new), so a failed first start leaves nothing behind.
   */
  abandon(): void;
}

/**
 * Creates the data directory if needed and locks it for this process (see lockDataDir). What
 * was there before is remembered so that `abandon()` removes only what this start added.
 */
export function claimDataDir(dataDir: string): DataDirClaim {
  // The first directory mkdir created, if any: the one to remove when a first start fails.
  const created = mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const before = new Set(created ? [] : readdirSync(dataDir));
  let lock: DataDirLock;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    // A directory another server holds is never touched.
    if (created && !(error instanceof DataDirLockedError)) rmSync(created, { recursive: true, force: true });
    throw error;
  }
  return {
    release: () => lock.release(),
    abandon() {
      // Removed while the lock is held, so no other server sees a half-removed directory.
      if (created) {
        rmSync(created, { recursive: true, force: true });
        lock.release();
        return;
      }
      for (const entry of readdirSync(dataDir)) {
        if (entry !== LOCK_FILE && !before.has(entry))
          rmSync(join(dataDir, entry), { recursive: true, force: true });
      }
      if (before.has(LOCK_FILE)) lock.release();
      else lock.releaseAndRemove();
    },
  };
}
