import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { ACCESS_TEST_BACKENDS } from '../../access/access-test-backends';
import { migrateToLatest } from './migrate';
import { openDatabase } from './open-database';
import type { Database } from './schema';

/** Each sparse index with a query the queue runs through it (see migration 015). */
const QUERIES: Array<[index: string, query: string]> = [
  [
    'commands_status_lease_idx',
    "select seq from commands where status = 'processing' and lease_expires_at < 5",
  ],
  ['commands_finished_idx', 'select seq from commands where finished_at < 5'],
  ['commands_idempotency_idx', "select seq from commands where idempotency_key = 'k'"],
  ['commands_holder_idx', "select seq from commands where status = 'processing' and holder in ('a', 'b')"],
];

/**
 * Rows as a busy queue has them: thousands processing or pending without a lease, an end, a key
 * or a holder, and a few with each; then the planners' statistics.
 */
async function fillQueue(db: Kysely<Database>): Promise<void> {
  const rows = Array.from({ length: 3000 }, (_, i) => {
    const some = i % 1000 === 0;
    return {
      id: `c${i}`,
      org_id: 'acme',
      target_kind: 'machine',
      target_id: `m${i}.acme`,
      group_id: 'acme',
      type: 'shell',
      params: '{}',
      status: i % 2 ? 'processing' : 'pending',
      priority: 0,
      attempts: 0,
      max_attempts: 3,
      lease_expires_at: some ? 10 : null,
      finished_at: some ? 10 : null,
      idempotency_key: some ? `k${i}` : null,
      holder: some ? `h${i}` : null,
      created_at: 1,
      updated_at: 1,
    };
  });
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('commands')
      .values(rows.slice(i, i + 500))
      .execute();
  await sql`analyze`.execute(db);
}

/** The plan of a query as text, with whole-table reads priced out on PostgreSQL. */
async function planOf(db: Kysely<Database>, dialect: string, query: string): Promise<string> {
  if (dialect === 'sqlite') {
    const rows = await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(db);
    return rows.rows.map((r) => r.detail).join('\n');
  }
  // An empty table is read whole by choice; forbidding that shows whether the index can serve.
  return db.connection().execute(async (connection) => {
    await sql`set enable_seqscan = off`.execute(connection);
    await sql`set enable_bitmapscan = off`.execute(connection);
    const rows = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(query)}`.execute(connection);
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`sparse command indexes (${backend.name})`, () => {
    it('hold only rows with a value, and every query of the queue through them still uses them', async () => {
      const database = await backend.create();
      const { db, dialect, close } = openDatabase(database.location);
      try {
        await migrateToLatest(db, dialect);
        await fillQueue(db);
        for (const [index, query] of QUERIES) {
          const plan = await planOf(db, dialect, query);
          assert.ok(plan.includes(index), `${query}\nplans\n${plan}`);
        }
        // A query that does not name a value cannot use them: the index holds no empty rows.
        const unusable = await planOf(db, dialect, 'select seq from commands where finished_at is null');
        assert.ok(!unusable.includes('commands_finished_idx'), unusable);
      } finally {
        await close();
        await database.drop();
      }
    });
  });
}
