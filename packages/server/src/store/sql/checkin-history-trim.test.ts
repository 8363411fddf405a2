import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { ACCESS_TEST_BACKENDS } from '../../access/access-test-backends';
import { trimHistoryStatement } from './checkin-history.sql';
import { sqlGroupRegistry } from './groups.sql';
import { migrateToLatest } from './migrate';
import { openDatabase } from './open-database';
import type { Database } from './schema';

const MACHINES = 1000;
const ENTRIES = 12;

/** A history as a fleet has it: a thousand machines with a dozen connections each; then statistics. */
async function fillHistory(db: Kysely<Database>): Promise<void> {
  await sqlGroupRegistry(db).ensureGroup('scale.bench', 1);
  const ids = Array.from({ length: MACHINES }, (_, i) => `m${i}.scale.bench`);
  for (let i = 0; i < ids.length; i += 200)
    await db
      .insertInto('machines')
      .values(
        ids.slice(i, i + 200).map((id) => ({
          id,
          guid: `guid-${id}`,
          name: id.slice(0, id.indexOf('.')),
          group_id: 'scale.bench',
          org_id: 'bench',
          temporary: 0,
          suspended: 0,
          remote_control_enabled: 1,
          checkin_control: '{}',
          settings_revision: 1,
          applied_revision: 0,
          created_at: 1,
          connected: 0,
          user_idle_seconds: 0,
          local_addresses: '[]',
        })),
      )
      .execute();
  const entries = ids.flatMap((id, m) =>
    Array.from({ length: ENTRIES }, (_, e) => ({
      id: `h${m}-${e}`,
      machine_id: id,
      connected_at: e,
      remote_address: '127.0.0.1',
      node_id: 'node-a',
      disconnected_at: e,
      end_reason: 'closed',
      checkins: 0,
      last_checkin_at: null,
    })),
  );
  for (let i = 0; i < entries.length; i += 500)
    await db
      .insertInto('checkin_history')
      .values(entries.slice(i, i + 500))
      .execute();
  await sql`analyze`.execute(db);
}

/** The plan of a statement as text. */
async function planOf(
  db: Kysely<Database>,
  dialect: string,
  statement: RawBuilder<unknown>,
): Promise<string> {
  const explain = dialect === 'sqlite' ? sql`explain query plan ${statement}` : sql`explain ${statement}`;
  const rows = await explain.execute(db);
  return (rows.rows as Array<Record<string, string>>)
    .map((r) => r.detail ?? r['QUERY PLAN'] ?? JSON.stringify(r))
    .join('\n');
}

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`trimming the connection history (${backend.name})`, () => {
    it("reads only the machines that connected, never the whole history, and keeps each one's newest", async () => {
      const database = await backend.create();
      const { db, dialect, close } = openDatabase(database.location);
      try {
        await migrateToLatest(db, dialect);
        await fillHistory(db);
        // A coalesced batch: a few dozen machines began a connection.
        const batch = Array.from({ length: 25 }, (_, i) => `m${i * 7}.scale.bench`);
        const plan = await planOf(db, dialect, trimHistoryStatement(batch, 10));
        // PostgreSQL: "Seq Scan on checkin_history"; SQLite: "SCAN checkin_history" without an index.
        const wholeTable = plan
          .split('\n')
          .filter((line) => /(Seq Scan on|^SCAN) checkin_history\b/.test(line.trim()) && !/USING/.test(line));
        assert.deepEqual(wholeTable, [], `a whole-history read in\n${plan}`);

        await trimHistoryStatement(batch, 10).execute(db);
        const left = await sql<{ machine_id: string; n: number; oldest: number }>`
          select machine_id, count(*) as n, min(connected_at) as oldest from checkin_history
          group by machine_id`.execute(db);
        const byMachine = new Map(left.rows.map((r) => [r.machine_id, r]));
        for (const id of batch) {
          assert.equal(Number(byMachine.get(id)?.n), 10, id);
          assert.equal(Number(byMachine.get(id)?.oldest), ENTRIES - 10, `${id} kept its newest`);
        }
        assert.equal(Number(byMachine.get('m1.scale.bench')?.n), ENTRIES, 'other machines untouched');
      } finally {
        await close();
        await database.drop();
      }
    });
  });
}
