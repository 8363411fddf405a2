import { existsSync } from 'node:fs';
import { keyFingerprint } from '@muster/protocol';
import SQLite from 'better-sqlite3';
import { BackupError } from './backup-error';

/** More pages than any store has: the copy is made in one step (see snapshotSqliteStore). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies a SQLite store that a running server may be writing, with SQLite's online backup.
 *
 * The source is opened read-only beside the server's own connection. In WAL mode a reader
 * neither blocks the server's writes nor is blocked by them: it reads the snapshot of the last
 * commit when its read transaction began, from the database file plus the WAL. The backup
 * copies every page in a single step, so in a single read transaction: the copy is that
 * snapshot, whatever is written meanwhile. (Copied in several steps, SQLite would restart the
 * copy each time another connection wrote between two steps, and a busy server could keep it
 * restarting for ever.) The copy is then switched to a rollback journal, so that it is one
 * self-contained file that can be opened read-only anywhere, and checked.
 */
export async function snapshotSqliteStore(
  sourceFile: string,
  copyFile: string,
): Promise<{ serverId: string }> {
  if (!existsSync(sourceFile)) {
    throw new BackupError(`there is no store at ${sourceFile}: give the server's --data-dir`);
  }
  // A running server keeps its WAL file; a stopped one has removed it. Read-only, SQLite would
  // make a WAL and shared-memory file it could not remove again, so a stopped server's store is
  // opened read-write (nothing is written; the connection removes them as it closes).
  const running = existsSync(`${sourceFile}-wal`);
  const source = new SQLite(sourceFile, { readonly: running, fileMustExist: true, timeout: 10_000 });
  try {
    await source.backup(copyFile, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  const copy = new SQLite(copyFile, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  return checkSqliteStore(copyFile);
}

/**
 * Checks that a file is a whole, undamaged muster store (SQLite's integrity check) holding a
 * server identity, and returns that identity's Server ID. Throws BackupError otherwise.
 */
export function checkSqliteStore(file: string, options: { readonly?: boolean } = {}): { serverId: string } {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { fileMustExist: true, readonly: options.readonly ?? false });
  } catch (error) {
    throw new BackupError(`${file} cannot be opened as a SQLite store: ${(error as Error).message}`);
  }
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map(
        (row) => row.integrity_check,
      );
    } catch (error) {
      throw new BackupError(`${file} is not a SQLite store, or is damaged: ${(error as Error).message}`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new BackupError(
        `${file} is damaged (SQLite integrity check: ${problems.slice(0, 3).join('; ')})`,
      );
    }
    let row: { public_key_der: string } | undefined;
    try {
      row = db.prepare('SELECT public_key_der FROM server_identity WHERE id = 1').get() as
        | { public_key_der: string }
        | undefined;
    } catch (error) {
      throw new BackupError(`${file} is not a muster store: ${(error as Error).message}`);
    }
    if (!row) {
      throw new BackupError(
        `${file} holds no server identity: it is not the store of a server that has started`,
      );
    }
    return { serverId: keyFingerprint(Buffer.from(row.public_key_der, 'base64')) };
  } finally {
    db.close();
  }
}
