import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACCESS_TEST_BACKENDS, openTestStore } from '../../access/access-test-backends';
import type { NewCommand } from '../command-record';
import type { StoreBackend } from '../interfaces';
import { openDatabase } from './open-database';

const T0 = 1_900_000_000_000;

function command(id: string, targetId: string): NewCommand {
  return {
    id,
    orgId: 'acme',
    targetKind: 'device',
    targetId,
    groupId: 'phones.acme',
    type: 'sync',
    params: {},
    priority: 0,
    maxAttempts: 3,
    expiresAt: null,
  };
}

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`command transitions derived from the command row (${backend.name})`, () => {
    let opened: Awaited<ReturnType<typeof openTestStore>>;
    let store: StoreBackend;
    before(async () => {
      opened = await openTestStore(backend);
      store = opened.store;
      await store.groups.ensureGroup('phones.acme', T0);
    });
    after(() => opened.dispose());

    /** Runs `work` on the store's database behind the store's back. */
    async function raw<T>(work: (db: ReturnType<typeof openDatabase>['db']) => Promise<T>): Promise<T> {
      const { db, close } = openDatabase(opened.database.location);
      try {
        return await work(db);
      } finally {
        await close();
      }
    }

    it('stores no transition row for a queued command, and still shows "pending" at its creation first', async () => {
      const batch = Array.from({ length: 1203 }, (_, i) => command(`new-${i}`, `d${i}.phones.acme`));
      await store.commands.enqueue(batch, null, T0);
      const stored = await raw((db) =>
        db
          .selectFrom('command_transitions')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('command_id', 'like', 'new-%')
          .executeTakeFirstOrThrow(),
      );
      assert.equal(Number(stored.n), 0);
      assert.deepEqual(await store.commands.transitionsOf('new-1202'), [
        { status: 'pending', at: T0, detail: null },
      ]);
      await store.commands.claimNext('device', 'd7.phones.acme', T0, 60_000, 1);
      await store.commands.release('new-7', 'device', 'd7.phones.acme', T0, 'not now');
      await store.commands.claimNext('device', 'd7.phones.acme', T0 + 5, 60_000, 1);
      await store.commands.finish(
        'new-7',
        'device',
        'd7.phones.acme',
        { status: 'complete', exitCode: null, output: null, error: null },
        T0 + 9,
      );
      const [first, ...rest] = await store.commands.transitionsOf('new-7');
      assert.deepEqual(first, { status: 'pending', at: T0, detail: null });
      // Returned to the queue in the very millisecond it was created: that "pending" says why,
      // so it is shown. (Transitions of one millisecond have no order among themselves.)
      assert.deepEqual(rest.map((t) => [t.status, t.at, t.detail]).sort(), [
        ['complete', T0 + 9, null],
        ['pending', T0, 'not now'],
        ['processing', T0, null],
        ['processing', T0 + 5, null],
      ]);
    });

    it('shows the stored "pending" of a command queued before once, not twice', async () => {
      // As an older server queued it: the command row and its "pending" transition row.
      await raw(async (db) => {
        await db
          .insertInto('commands')
          .values({
            id: 'old-1',
            org_id: 'acme',
            target_kind: 'device',
            target_id: 'old.phones.acme',
            group_id: 'phones.acme',
            type: 'sync',
            params: '{}',
            status: 'pending',
            priority: 0,
            attempts: 0,
            max_attempts: 3,
            created_at: T0 - 50,
            updated_at: T0 - 50,
          })
          .execute();
        await db
          .insertInto('command_transitions')
          .values({ command_id: 'old-1', status: 'pending', at: T0 - 50, detail: null })
          .execute();
      });
      assert.deepEqual(await store.commands.transitionsOf('old-1'), [
        { status: 'pending', at: T0 - 50, detail: null },
      ]);
      await store.commands.claimNext('device', 'old.phones.acme', T0, 60_000, 1);
      assert.deepEqual(
        (await store.commands.transitionsOf('old-1')).map((t) => [t.status, t.at]),
        [
          ['pending', T0 - 50],
          ['processing', T0],
        ],
      );
    });

    it('has no transitions for an unknown command', async () => {
      assert.deepEqual(await store.commands.transitionsOf('never-queued'), []);
    });
  });
}
