import { statSync } from 'node:fs';
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { ErrorCode, MusterError } from '../../domain/errors';
import { StatementCache } from './statement-cache';

/** How often the file is looked at without any write, so its loss is logged promptly. */
const CHECK_INTERVAL_MS = 5000;

/**
 * Notices when the SQLite file the server has open is deleted or replaced under it (the data
 * directory removed, moved or restored by hand). SQLite would keep writing into the unlinked
 * file, answering every change as saved while all of it is lost at the next start; from then
 * on changes are refused instead. It is checked before every write and every few seconds.
 */
export class SqliteFileGuard {
  private readonly dev: number;
  private readonly ino: number;
  private lostMessage: string | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly file: string,
    private readonly onLost: (message: string) => void,
  ) {
    const stat = statSync(file);
    this.dev = stat.dev;
    this.ino = stat.ino;
    this.timer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Why changes are refused, or null while the file is in place. Once lost, it stays lost. */
  check(): string | null {
    if (this.lostMessage) return this.lostMessage;
    const stat = statSync(this.file, { throwIfNoEntry: false });
    if (stat && stat.dev === this.dev && stat.ino === this.ino) return null;
    this.lostMessage =
      `the SQLite store ${this.file} was ${stat ? 'replaced' : 'deleted'} while the server was running, ` +
      'so changes are refused (they would be lost): stop the server, put the data directory back and start it again';
    this.onLost(this.lostMessage);
    return this.lostMessage;
  }

  /** Throws `store-unavailable` once the file is gone. */
  assertPresent(): void {
    const lost = this.check();
    if (lost) throw new MusterError(ErrorCode.storeUnavailable, lost);
  }

  /** Stops the periodic check. */
  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The handle Kysely runs queries on: every statement that writes is checked against the guard
 * first. Kysely asks for each query's statement as it runs it (kept ones come from `statements`),
 * so no write gets past.
 */
export function guardedDatabase(
  sqlite: SQLite.Database,
  guard: SqliteFileGuard,
  statements: StatementCache = new StatementCache(sqlite),
): SqliteDatabase {
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const statement = statements.prepare(sql);
      if (!statement.readonly) guard.assertPresent();
      return statement;
    },
  };
}
