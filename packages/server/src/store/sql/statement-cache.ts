import type SQLite from 'better-sqlite3';

/** Prepared statements kept by a StatementCache: enough for every query the server repeats. */
const DEFAULT_CAPACITY = 256;

/**
 * Keeps SQLite's prepared statements by their SQL text, least recently used out first. Kysely
 * prepares every query again each time it runs it; for a statement of thousands of parameters
 * (a fan-out's insert, 500 rows a chunk) preparing cost about as much as running it
 * (bench:commands' device enqueue, profiled). A better-sqlite3 statement may be run again with
 * other parameters, and SQLite prepares it anew by itself when the schema changed.
 */
export class StatementCache {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** The prepared statement of `sql`, prepared now if it is not kept. */
  prepare(sql: string): SQLite.Statement {
    const kept = this.statements.get(sql);
    if (kept) {
      // Most recently used last: a Map iterates in insertion order.
      this.statements.delete(sql);
      this.statements.set(sql, kept);
      return kept;
    }
    const statement = this.sqlite.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > this.capacity) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    return statement;
  }

  /** How many statements are kept. */
  get size(): number {
    return this.statements.size;
  }
}
