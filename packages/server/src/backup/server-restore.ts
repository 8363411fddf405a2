import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type DataDirLock, DataDirLockedError, LOCK_FILE, lockDataDir, PID_FILE } from '../data-dir-lock';
import { BackupError } from './backup-error';
import { type BackupManifest, fileSha256, readManifest } from './backup-manifest';
import { STORE_FILE } from './data-dir-contents';
import { copyFileDurably, fsyncPath } from './durable-copy';
import { checkSqliteStore } from './sqlite-snapshot';

/** What a restore did. */
export interface RestoreResult {
  dataDir: string;
  /** The Server ID of the restored store: the one its agents are bound to. */
  serverId: string;
  manifest: BackupManifest;
  /** Where what the data directory held before was moved (--force), or null. */
  movedAside: string | null;
}

/**
 * Checks a backup directory completely, without changing anything: its manifest, every listed
 * file (present, same size and SHA-256), and the store (SQLite's integrity check, and the
 * server identity the manifest names). Throws BackupError saying what is wrong.
 */
export async function verifyBackup(backupDir: string): Promise<BackupManifest> {
  const dir = resolve(backupDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BackupError(`${dir} is not a directory`);
  const manifest = readManifest(dir);
  if (!manifest.files.some((f) => f.name === STORE_FILE)) {
    throw new BackupError(`${dir} is incomplete: its manifest lists no ${STORE_FILE}`);
  }
  for (const file of manifest.files) await checkFile(join(dir, file.name), file, dir);
  // The copy is in rollback-journal mode (see snapshotSqliteStore): opened read-only, SQLite
  // writes nothing beside it.
  const { serverId } = checkSqliteStore(join(dir, STORE_FILE), { readonly: true });
  if (serverId !== manifest.serverId) {
    throw new BackupError(
      `${dir} is damaged: its store holds Server ID ${serverId}, its manifest says ${manifest.serverId}`,
    );
  }
  return manifest;
}

async function checkFile(path: string, entry: BackupManifest['files'][number], where: string): Promise<void> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new BackupError(`${where} is incomplete: ${entry.name} is missing`);
  if (stat.size !== entry.bytes) {
    throw new BackupError(
      `${where} is damaged: ${entry.name} has ${stat.size} bytes, the manifest says ${entry.bytes}`,
    );
  }
  if ((await fileSha256(path)) !== entry.sha256) {
    throw new BackupError(`${where} is damaged: the SHA-256 of ${entry.name} is not the one in the manifest`);
  }
}

/** What a data directory holds, apart from the lock a server or a restore takes on it. */
function contentsOf(dataDir: string): string[] {
  return readdirSync(dataDir).filter((name) => name !== LOCK_FILE && name !== PID_FILE);
}

/**
 * Restores a backup into the data directory of a stopped server. Refused, changing nothing:
 * while a server runs on the directory (its lock is held); when the directory holds anything
 * and `force` is not given; and when the backup is damaged or incomplete (verifyBackup). With
 * `force`, what the directory held is moved aside to `<dataDir>.before-restore-<time>`, never
 * deleted. The backup is copied beside the data directory and checked again there before
 * anything in the directory is moved; the directory stays locked throughout, so no server
 * starts on a half-restored one.
 */
export async function restoreDataDir(options: {
  backupDir: string;
  dataDir: string;
  force?: boolean;
  now?: Date;
}): Promise<RestoreResult> {
  const dataDir = resolve(options.dataDir);
  const exists = existsSync(dataDir);
  if (exists && !statSync(dataDir).isDirectory()) throw new BackupError(`${dataDir} is not a directory`);
  const hadLockFile = exists && existsSync(join(dataDir, LOCK_FILE));
  let lock: DataDirLock | null = null;
  if (exists) {
    const held = contentsOf(dataDir);
    try {
      lock = lockDataDir(dataDir);
    } catch (error) {
      if (error instanceof DataDirLockedError) {
        throw new BackupError(
          `a muster server is running on ${dataDir}${error.holderPid ? ` (pid ${error.holderPid})` : ''}: stop it first (a restore never replaces the data of a running server, not even with --force)`,
        );
      }
      throw error;
    }
    if (held.length > 0 && !options.force) {
      releaseLock(lock, hadLockFile);
      throw new BackupError(
        `${dataDir} is not empty (it holds ${held.slice(0, 5).join(', ')}${held.length > 5 ? ', ...' : ''}): restore into a new or empty directory, or give --force to move what it holds aside first`,
      );
    }
  }
  const staging = join(dirname(dataDir), `.${basename(dataDir)}.restoring-${process.pid}`);
  try {
    const manifest = await verifyBackup(options.backupDir);
    mkdirSync(dirname(dataDir), { recursive: true });
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { mode: 0o700 });
    // Checked again as copied: what goes into the data directory is what the manifest lists.
    for (const file of manifest.files) {
      const to = join(staging, file.name);
      copyFileDurably(join(resolve(options.backupDir), file.name), to, file.mode & 0o777);
      await checkFile(to, file, `the copy in ${staging}`);
    }
    fsyncPath(staging);
    let movedAside: string | null = null;
    if (!exists) {
      renameSync(staging, dataDir);
    } else {
      const held = contentsOf(dataDir);
      if (held.length > 0) {
        const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
        movedAside = `${dataDir}.before-restore-${stamp}`;
        mkdirSync(movedAside, { mode: 0o700 });
      }
      swapIn(
        dataDir,
        held,
        movedAside,
        staging,
        manifest.files.map((f) => f.name),
      );
      rmSync(staging, { recursive: true, force: true });
    }
    fsyncPath(dataDir);
    return { dataDir, serverId: manifest.serverId, manifest, movedAside };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (lock) releaseLock(lock, hadLockFile);
  }
}

/**
 * Moves what the data directory holds aside and the staged backup in, by renames within one
 * file system. Should one fail (a full or read-only disk), what was moved is moved back, so the
 * directory is as it was.
 */
function swapIn(
  dataDir: string,
  held: string[],
  aside: string | null,
  staging: string,
  names: string[],
): void {
  const movedOut: string[] = [];
  const movedIn: string[] = [];
  try {
    if (aside) {
      for (const name of held) {
        renameSync(join(dataDir, name), join(aside, name));
        movedOut.push(name);
      }
    }
    for (const name of names) {
      renameSync(join(staging, name), join(dataDir, name));
      movedIn.push(name);
    }
  } catch (error) {
    for (const name of movedIn) rmSync(join(dataDir, name), { force: true });
    if (aside) {
      for (const name of movedOut) renameSync(join(aside, name), join(dataDir, name));
      rmSync(aside, { recursive: true, force: true });
    }
    throw error;
  }
}

/** Releases the restore's lock; a lock file the restore created goes with it. */
function releaseLock(lock: DataDirLock, hadLockFile: boolean): void {
  if (hadLockFile) lock.release();
  else lock.releaseAndRemove();
}
