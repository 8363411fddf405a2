import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect';
import type { Database } from './schema';
import { guardedDatabase, SqliteFileGuard } from './sqlite-file-guard';
import { StatementCache } from './statement-cache';

// bigint columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** An open database handle with its dialect. */
export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Closes every connection. */
  close(): Promise<void>;
  /** Why the store cannot be used although it answers (the SQLite file lost), else null. */
  problem(): string | null;
}

/** What a query reports when it ends: its kind of statement, duration, and whether it failed. */
export type QueryObserver = (kind: string, durationMs: number, failed: boolean) => void;

/** How the database is opened, besides where. */
export interface OpenOptions {
  /** Hears every query's duration (Kysely's log), for the store metrics. */
  onQuery?: QueryObserver;
}

/**
 * Where the store lives: a SQLite file or a PostgreSQL URL. `onFileLost` hears once that the
 * SQLite file was deleted or replaced while open (writes are refused from then on).
 */
export type DatabaseLocation =
  | { sqliteFile: string; onFileLost?: (message: string) => void }
  | { postgresUrl: string };

/**
 * Opens the store. SQLite runs in WAL mode with synchronous=FULL so an answered write
 * survives a crash of the server process or the machine, and refuses writes once its file is
 * deleted or replaced (see SqliteFileGuard).
 */
export function openDatabase(location: DatabaseLocation, options: OpenOptions = {}): OpenDatabase {
  const log = kyselyLog(options.onQuery);
  if ('postgresUrl' in location) {
    const pool = new pg.Pool({ connectionString: location.postgresUrl, max: 10 });
    // An idle pooled connection that the database drops (restart, failover) emits an error;
    // unhandled it would crash the server. The pool replaces it at the next query.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    return { db, dialect: 'postgres', close: () => db.destroy(), problem: () => null };
  }
  if (location.sqliteFile !== ':memory:') mkdirSync(dirname(location.sqliteFile), { recursive: true });
  const sqlite = new SQLite(location.sqliteFile);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  if (location.sqliteFile === ':memory:') {
    const statements = new StatementCache(sqlite);
    const database = { close: () => sqlite.close(), prepare: (sql: string) => statements.prepare(sql) };
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log });
    return { db, dialect: 'sqlite', close: () => db.destroy(), problem: () => null };
  }
  const guard = new SqliteFileGuard(location.sqliteFile, location.onFileLost ?? (() => {}));
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: guardedDatabase(sqlite, guard) }),
    log,
  });
  return {
    db,
    dialect: 'sqlite',
    problem: () => guard.check(),
    close: () => {
      guard.stop();
      return db.destroy();
    },
  };
}

/** Kysely's log as a query observer; none when nobody listens, so Kysely does not time queries. */
function kyselyLog(onQuery: QueryObserver | undefined): ((event: LogEvent) => void) | undefined {
  if (!onQuery) return undefined;
  return (event) => onQuery(event.query.query.kind, event.queryDurationMillis, event.level === 'error');
}
