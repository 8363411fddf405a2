import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { BackupError } from './backup-error';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupManifest,
  fileSha256,
  MANIFEST_FILE,
} from './backup-manifest';
import { RUNTIME_FILES, STORE_FILE } from './data-dir-contents';
import { copyFileDurably, fsyncPath } from './durable-copy';
import { snapshotSqliteStore } from './sqlite-snapshot';

/** What a backup wrote. */
export interface BackupResult {
  /** The backup directory. */
  dir: string;
  manifest: BackupManifest;
  /** Entries of the data directory not carried (not regular files), with why. */
  skipped: string[];
}

/**
 * Backs up the data directory of a SQLite server, running or stopped, into a new directory:
 * a consistent copy of the store (SQLite's online backup, see snapshotSqliteStore), every other
 * regular file the server keeps there (identity certificate and key, admin token; see
 * KNOWN_FILES), and a manifest with each file's size and SHA-256. The backup is built beside
 * `out` and renamed into place once complete, so `out` never holds a partial backup.
 */
export async function backupDataDir(options: {
  dataDir: string;
  out: string;
  /** The muster version recorded in the manifest. */
  musterVersion: string;
  now?: Date;
}): Promise<BackupResult> {
  const dataDir = resolve(options.dataDir);
  const out = resolve(options.out);
  const fromDataDir = relative(dataDir, out);
  if (fromDataDir === '' || (!fromDataDir.startsWith('..') && !isAbsolute(fromDataDir))) {
    throw new BackupError(
      `${out} is inside the data directory ${dataDir}: keep backups elsewhere (a backup there is lost with the directory)`,
    );
  }
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new BackupError(
      `${out} already exists and is not an empty directory: give a new directory for the backup`,
    );
  }
  const storeFile = join(dataDir, STORE_FILE);
  if (!existsSync(storeFile)) {
    throw new BackupError(
      `there is no SQLite store in ${dataDir} (no ${STORE_FILE}): give the server's --data-dir (a server on PostgreSQL is backed up with pg_dump; see the README)`,
    );
  }
  mkdirSync(dirname(out), { recursive: true });
  const staging = `${out}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  try {
    const { serverId } = await snapshotSqliteStore(storeFile, join(staging, STORE_FILE));
    const skipped: string[] = [];
    for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
      if (entry.name === STORE_FILE || RUNTIME_FILES.has(entry.name)) continue;
      if (!entry.isFile()) {
        skipped.push(`${entry.name} (not a regular file)`);
        continue;
      }
      const from = join(dataDir, entry.name);
      copyFileDurably(from, join(staging, entry.name), statSync(from).mode & 0o777);
    }
    // The store copy holds the identity private key: readable by its owner only.
    chmodSync(join(staging, STORE_FILE), 0o600);
    const files = [];
    for (const name of readdirSync(staging).sort()) {
      const path = join(staging, name);
      const stat = statSync(path);
      files.push({ name, bytes: stat.size, sha256: await fileSha256(path), mode: stat.mode & 0o777 });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt: (options.now ?? new Date()).toISOString(),
      musterVersion: options.musterVersion,
      serverId,
      sourceDataDir: dataDir,
      files,
    };
    // Written last: a directory without it is a backup that did not finish.
    writeFileSync(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    fsyncPath(join(staging, MANIFEST_FILE));
    fsyncPath(staging);
    renameSync(staging, out);
    fsyncPath(dirname(out));
    return { dir: out, manifest, skipped };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
