import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACCESS_TEST_BACKENDS, type TestDatabase } from '../../access/access-test-backends';
import { sqlCommandQueue } from './command-queue.sql';
import { sqlGroupRegistry } from './groups.sql';
import { migrateToLatest } from './migrate';
import { type OpenDatabase, openDatabase } from './open-database';
import { auditCommand, TEST_COMMAND_GROUP } from './test-commands';

const T0 = 1_900_000_000_000;

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`returning what ended sessions held (${backend.name})`, () => {
    let database: TestDatabase;
    let opened: OpenDatabase;
    /** Kinds of the statements run since the last reset (BEGIN and COMMIT are raw ones). */
    let statements: string[] = [];
    before(async () => {
      database = await backend.create();
      opened = openDatabase(database.location, { onQuery: (kind) => void statements.push(kind) });
      await migrateToLatest(opened.db, opened.dialect);
      await sqlGroupRegistry(opened.db).ensureGroup(TEST_COMMAND_GROUP, T0);
    });
    after(async () => {
      await opened.close();
      await database.drop();
    });

    it('costs one read, and no transaction, when none of the agents held a command', async () => {
      const queue = sqlCommandQueue(opened.db, opened.dialect);
      await queue.enqueue([auditCommand('c-pending', 'm1.lab.acme')], null, T0);
      statements = [];
      assert.deepEqual(await queue.releaseEndpoints('machine', ['m1.lab.acme', 'm2.lab.acme'], T0 + 1), []);
      assert.deepEqual(await queue.releaseHolders('machine', ['session-gone'], T0 + 2), []);
      assert.deepEqual(await queue.expireLeases(T0 + 3, 100), []);
      assert.deepEqual(statements, ['SelectQueryNode', 'SelectQueryNode', 'SelectQueryNode']);
    });

    it('still returns a command a gone session held, in a transaction with its transition', async () => {
      const queue = sqlCommandQueue(opened.db, opened.dialect);
      await queue.enqueue([auditCommand('c-held', 'm3.lab.acme')], null, T0);
      const { claimed } = await queue.claimNext('machine', 'm3.lab.acme', T0 + 10, 60_000, 1, 'session-3');
      assert.equal(claimed[0]?.id, 'c-held');
      statements = [];
      const changes = await queue.releaseHolders('machine', ['session-3'], T0 + 11);
      assert.deepEqual(
        changes.map((c) => [c.id, c.status]),
        [['c-held', 'pending']],
      );
      // The read that found it, then BEGIN, the read whose rows move, the moves, COMMIT.
      assert.equal(statements[0], 'SelectQueryNode');
      assert.ok(statements.includes('RawNode'), statements.join(' '));
      assert.ok(statements.includes('UpdateQueryNode'), statements.join(' '));
      assert.deepEqual(
        (await queue.transitionsOf('c-held')).map((t) => t.status),
        ['pending', 'processing', 'pending'],
      );
    });
  });
}
