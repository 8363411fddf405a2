import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { ACCESS_TEST_BACKENDS } from '../../access/access-test-backends';
import { account, T0 } from '../conformance/conformance-fixtures';
import { sqlGroupRegistry } from './groups.sql';
import { sqlMachineStore } from './machines.sql';
import { migrateUpTo } from './migrate';
import { openDatabase } from './open-database';
import { openSqlStore } from './sql-store';

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`migration 019-connected-attempt (${backend.name})`, () => {
    it('a machine held when the server was upgraded keeps its holder against older starts', async () => {
      const database = await backend.create();
      try {
        // A store as version 018 left it: node B holds the machine, last seen at T0 + 10.
        const old = openDatabase(database.location);
        await migrateUpTo(old.db, old.dialect, '018-recording-compression');
        await sqlGroupRegistry(old.db).ensureGroup('up.acme', T0);
        assert.equal(await sqlMachineStore(old.db).createMachineAccount(account('held.up.acme')), true);
        await sql`update machines set connected = 1, connected_by = 'node-b', last_seen_at = ${T0 + 10}
          where id = 'held.up.acme'`.execute(old.db);
        await old.close();

        const store = await openSqlStore(database.location);
        try {
          const connected = async () => (await store.machines.findMachine('held.up.acme'))?.connected;
          // A's start began before B's last check-in: a late start of an older session. It must
          // not take B's flag, so B's end then clears it (were the holder's start unknown, A
          // would take the flag and the machine would stay connected on a session long gone).
          await store.checkins.recordConnections([
            { machineId: 'held.up.acme', connected: true, recordedBy: 'node-a', at: T0 + 5 },
          ]);
          await store.checkins.recordConnections([
            { machineId: 'held.up.acme', connected: false, recordedBy: 'node-b', at: T0 + 12 },
          ]);
          assert.equal(await connected(), false);
          // A session that begins later takes the free flag.
          await store.checkins.recordConnections([
            { machineId: 'held.up.acme', connected: true, recordedBy: 'node-a', at: T0 + 13 },
          ]);
          assert.equal(await connected(), true);
        } finally {
          await store.close();
        }
      } finally {
        await database.drop();
      }
    });
  });
}
