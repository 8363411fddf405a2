import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { ACCESS_TEST_BACKENDS } from '../../access/access-test-backends';
import { accessServices, TestClock } from '../../access/access-test-kit';
import { hashSecret } from '../../services/secrets';
import { migrateUpTo } from './migrate';
import { openDatabase } from './open-database';
import { openSqlStore } from './sql-store';

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`migration 009-identity (${backend.name})`, () => {
    it('the admin tokens of earlier versions keep working, as tokens of the master user admin', async () => {
      const database = await backend.create();
      try {
        // A store as version 008 left it, with two admin tokens in use.
        const old = openDatabase(database.location);
        await migrateUpTo(old.db, old.dialect, '008-install-token-revocation');
        for (const [id, token] of [
          ['t1', 'mst_first'],
          ['t2', 'mst_second'],
        ]) {
          await sql`insert into admin_tokens (id, token_hash, name, created_at)
            values (${id}, ${hashSecret(token as string)}, ${`admin ${id}`}, ${1_900_000_000_000})`.execute(
            old.db,
          );
        }
        await old.close();

        const store = await openSqlStore(database.location);
        try {
          const s = accessServices(store, new TestClock(Date.now()));
          for (const token of ['mst_first', 'mst_second']) {
            const principal = await s.principals.fromBearer(token, '::1');
            assert.ok(principal, token);
            assert.equal(principal.actor.userName, 'admin');
            assert.equal(principal.require('server.manage').all, true);
          }
          const admin = await store.users.findUserByName('admin');
          assert.ok(admin);
          assert.deepEqual(
            (await store.apiTokens.listApiTokens(admin.id)).map((t) => [t.id, t.name, t.createdAt]),
            [
              ['t1', 'admin t1', 1_900_000_000_000],
              ['t2', 'admin t2', 1_900_000_000_000],
            ],
          );
          // Tokens exist, so a start makes no new one.
          assert.equal(await s.tokens.ensureFirstToken(), null);
        } finally {
          await store.close();
        }
      } finally {
        await database.drop();
      }
    });

    it('a new store makes its first token for admin, once', async () => {
      const database = await backend.create();
      const store = await openSqlStore(database.location);
      try {
        const s = accessServices(store, new TestClock(Date.now()));
        const first = await s.tokens.ensureFirstToken();
        assert.ok(first);
        assert.equal((await s.principals.fromBearer(first, '::1'))?.actor.userName, 'admin');
        const [record] = await store.apiTokens.listApiTokens(null);
        assert.ok(record);
        await s.tokens.revoke(record.id);
        assert.equal(await s.tokens.ensureFirstToken(), null, 'a revoked first token is not replaced');
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
