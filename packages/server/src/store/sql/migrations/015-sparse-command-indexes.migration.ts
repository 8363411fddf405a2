import { type Kysely, sql } from 'kysely';

/**
 * The commands indexes on columns that a queued command leaves empty (its lease, its end, its
 * idempotency key, the session holding it) now hold only the rows that have one. Every query
 * through them names a value (`lease_expires_at < ?`, `finished_at < ?`, `idempotency_key = ?`,
 * `holder in (...)`), which implies the column is not null, so both SQLite and PostgreSQL still
 * use them; a fan-out to 100,000 targets no longer writes 400,000 entries of nothing into them
 * (bench:scale's device enqueue).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sparse: Array<[name: string, columns: string, present: string]> = [
    ['commands_status_lease_idx', 'status, lease_expires_at', 'lease_expires_at'],
    ['commands_finished_idx', 'finished_at', 'finished_at'],
    ['commands_idempotency_idx', 'idempotency_key', 'idempotency_key'],
    ['commands_holder_idx', 'holder, status', 'holder'],
  ];
  for (const [name, columns, present] of sparse) {
    await db.schema.dropIndex(name).execute();
    await sql.raw(`create index ${name} on commands (${columns}) where ${present} is not null`).execute(db);
  }
}
