import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../../test-support/postgres';
import { account, T0 } from '../conformance/conformance-fixtures';
import type { ConnectionUpdate } from '../machine-record';
import { openSqlStore } from './sql-store';

// Several nodes write batches over the same machines at once; PostgreSQL aborted one of two
// batches that each held a row the other waited for (bench:scale's SIGTERM storm: about 75
// deadlocks a minute). A batch takes its rows in id order, so it never holds a later row while
// it waits for an earlier one. Here a row in the middle is held from outside: the batch, given
// out of order, must wait for it holding only the rows before it.

describe('connection and check-in batches lock their rows in id order (postgres)', () => {
  let database: TestPostgresDatabase;
  const ids = ['lock1.lock.acme', 'lock2.lock.acme', 'lock3.lock.acme'];

  before(async () => {
    database = await createTestPostgresDatabase();
    const store = await openSqlStore({ postgresUrl: database.url });
    await store.groups.ensureGroup('lock.acme', T0);
    // Stored in the batch's order too, so that neither an index lookup per row of the batch
    // nor a scan of the table would meet row 1 first without the ordering.
    for (const id of [ids[2], ids[0], ids[1]] as string[])
      await store.machines.createMachineAccount(account(id));
    await store.close();
  });
  after(async () => {
    await database?.drop();
  });

  /** Whether a row is free now: another transaction can lock it without waiting. */
  async function free(client: pg.Client, id: string): Promise<boolean> {
    await client.query('begin');
    try {
      await client.query('select id from machines where id = $1 for update nowait', [id]);
      return true;
    } catch (error) {
      assert.equal((error as { code?: string }).code, '55P03', 'lock_not_available');
      return false;
    } finally {
      await client.query('rollback');
    }
  }

  for (const kind of ['connections', 'check-ins'] as const) {
    it(`a batch of ${kind} given as 3, 1, 2 waits for row 2 holding row 1 only`, async () => {
      const store = await openSqlStore({ postgresUrl: database.url });
      const holder = new pg.Client({ connectionString: database.url });
      const observer = new pg.Client({ connectionString: database.url });
      await holder.connect();
      await observer.connect();
      try {
        await holder.query('begin');
        await holder.query('select id from machines where id = $1 for update', [ids[1]]);
        const order = [ids[2], ids[0], ids[1]] as string[];
        const written =
          kind === 'connections'
            ? store.checkins.recordConnections(
                order.map(
                  (machineId): ConnectionUpdate => ({
                    machineId,
                    connected: true,
                    recordedBy: 'lock-a',
                    at: T0 + 1,
                  }),
                ),
              )
            : store.checkins.recordCheckins(
                order.map((machineId) => ({
                  machineId,
                  seenAt: T0 + 2,
                  loggedOnUser: null,
                  userIdleSeconds: 0,
                  localAddresses: [],
                  agentVersion: '1',
                })),
              );
        // Until the batch waits for row 2 (PostgreSQL shows it waiting for a lock).
        for (const deadline = Date.now() + 10_000; ; ) {
          const waiting = await observer.query(
            "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
          );
          if (waiting.rows[0].n > 0) break;
          assert.ok(Date.now() < deadline, 'the batch waits for the held row');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.deepEqual(
          [await free(observer, ids[0] as string), await free(observer, ids[2] as string)],
          [false, true],
          'row 1 is held by the waiting batch, row 3 not yet',
        );
        await holder.query('commit');
        await written;
        const rows = await observer.query(
          kind === 'connections'
            ? "select count(*)::int as n from machines where id like '%.lock.acme' and connected_by = 'lock-a'"
            : "select count(*)::int as n from machines where id like '%.lock.acme' and last_seen_at = $1",
          kind === 'connections' ? [] : [T0 + 2],
        );
        assert.equal(rows.rows[0]?.n, 3, 'then the whole batch is written');
      } finally {
        await holder.end();
        await observer.end();
        await store.close();
      }
    });
  }

  it("does not wait for a connection history insert's lock on the same machine", async () => {
    const store = await openSqlStore({ postgresUrl: database.url });
    const inserter = new pg.Client({ connectionString: database.url });
    await inserter.connect();
    try {
      // A history row's reference to its machine takes a key-share lock on the machine's row
      // until the inserting transaction ends (another node's batch, still writing).
      await inserter.query('begin');
      await inserter.query(
        `insert into checkin_history (id, machine_id, connected_at, remote_address, node_id)
         values ('h-lock', $1, $2, '192.0.2.1', 'lock-b')`,
        [ids[1], T0],
      );
      const written = store.checkins.recordConnections(
        ids.map(
          (machineId): ConnectionUpdate => ({ machineId, connected: true, recordedBy: 'lock-c', at: T0 + 3 }),
        ),
      );
      const outcome = await Promise.race([
        written.then(() => 'written'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 3000)),
      ]);
      assert.equal(outcome, 'written');
    } finally {
      await inserter.query('rollback');
      await inserter.end();
      await store.close();
    }
  });
});
