import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { isAbsolute, normalize, sep } from 'node:path';
import { BackupError } from './backup-error';

/** The file in a backup directory that describes it; written last, so its presence marks a complete backup. */
export const MANIFEST_FILE = 'manifest.json';
/** What a manifest says it is. */
export const BACKUP_FORMAT = 'muster-backup';
/** The manifest layout this version writes and reads. */
export const BACKUP_FORMAT_VERSION = 1;

/** One file of a backup, as it was written. */
export interface BackupFileEntry {
  /** The name in the backup and in the data directory (a plain file name). */
  name: string;
  bytes: number;
  sha256: string;
  /** Permission bits (0o600 for secrets), applied again on restore. */
  mode: number;
}

/** What a backup holds and where it came from. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** The muster version that wrote it. */
  musterVersion: string;
  /** The Server ID of the identity in the backed-up store. */
  serverId: string;
  /** The data directory it was taken from. */
  sourceDataDir: string;
  files: BackupFileEntry[];
}

/** SHA-256 of a file, read in chunks (a store can be large). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A name that stays inside the directory it is joined to: no path, no `..`. */
function plainName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !isAbsolute(name) &&
    !name.includes('/') &&
    !name.includes(sep) &&
    normalize(name) === name &&
    name !== '.' &&
    name !== '..'
  );
}

/**
 * Reads and checks the manifest of a backup directory. Throws BackupError saying what is wrong:
 * no manifest (not a backup, or one that did not finish), another format or a newer version,
 * or entries that are not plain file names with a size and a hash.
 */
export function readManifest(backupDir: string): BackupManifest {
  const file = `${backupDir}/${MANIFEST_FILE}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BackupError(
      `${backupDir} is not a complete muster backup: it has no ${MANIFEST_FILE} (a backup writes it last, so a backup that was interrupted has none)`,
    );
  }
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BackupError(`${file} is damaged: ${(error as Error).message}`);
  }
  if (value?.format !== BACKUP_FORMAT)
    throw new BackupError(`${file} is not the manifest of a muster backup`);
  if (value.version !== BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `${file} has format version ${String(value.version)}; this muster reads version ${BACKUP_FORMAT_VERSION} (use the muster that made the backup, or a newer one)`,
    );
  }
  const files = value.files;
  const valid =
    Array.isArray(files) &&
    typeof value.serverId === 'string' &&
    files.every(
      (f) =>
        plainName(f?.name) &&
        f.name !== MANIFEST_FILE &&
        Number.isSafeInteger(f.bytes) &&
        f.bytes >= 0 &&
        typeof f.sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(f.sha256) &&
        Number.isInteger(f.mode),
    ) &&
    new Set(files.map((f) => f.name)).size === files.length;
  if (!valid) throw new BackupError(`${file} is damaged: its list of files is not valid`);
  return value as BackupManifest;
}
