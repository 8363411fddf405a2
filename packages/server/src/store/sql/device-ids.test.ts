import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACCESS_TEST_BACKENDS, type TestDatabase } from '../../access/access-test-backends';
import { compileScope } from '../../access/scope';
import { sqlDeviceStore } from './devices.sql';
import { sqlGroupRegistry } from './groups.sql';
import { migrateToLatest } from './migrate';
import { type OpenDatabase, openDatabase } from './open-database';

const T0 = 1_900_000_000_000;
/** More devices than one SQLite lookup statement takes, in two groups. */
const COUNT = 2500;
const idOf = (i: number) => `d${i}.${i % 2 ? 'phones' : 'tablets'}.acme`;

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`device lookups by many ids (${backend.name})`, () => {
    let database: TestDatabase;
    let opened: OpenDatabase;
    /** Statements run since the last reset. */
    let statements = 0;
    before(async () => {
      database = await backend.create();
      opened = openDatabase(database.location, { onQuery: () => void statements++ });
      await migrateToLatest(opened.db, opened.dialect);
      await sqlGroupRegistry(opened.db).ensureGroup('phones.acme', T0);
      await sqlGroupRegistry(opened.db).ensureGroup('tablets.acme', T0);
      const rows = Array.from({ length: COUNT }, (_, i) => ({
        id: idOf(i),
        guid: `guid-${i}`,
        name: `d${i}`,
        group_id: i % 2 ? 'phones.acme' : 'tablets.acme',
        org_id: 'acme',
        platform: i % 5 ? 'android' : 'ios',
        public_key: 'key',
        push_channel: i % 10 === 0 ? JSON.stringify({ kind: 'apns', token: 'ab'.repeat(32) }) : null,
        enrolled_at: T0,
      }));
      for (let i = 0; i < rows.length; i += 500)
        await opened.db
          .insertInto('devices')
          .values(rows.slice(i, i + 500))
          .execute();
    });
    after(async () => {
      await opened.close();
      await database.drop();
    });

    const ids = [...Array.from({ length: COUNT }, (_, i) => idOf(i)), 'ghost.phones.acme'];

    it('finds the group of every known id in scope, in one statement on PostgreSQL', async () => {
      const devices = sqlDeviceStore(opened.db, opened.dialect);
      statements = 0;
      const all = await devices.deviceGroups(ids);
      assert.equal(statements, opened.dialect === 'postgres' ? 1 : 3);
      assert.equal(all.size, COUNT);
      assert.equal(all.get('d7.phones.acme'), 'phones.acme');
      assert.equal(all.get('d8.tablets.acme'), 'tablets.acme');
      assert.equal(all.has('ghost.phones.acme'), false);
      const phonesOnly = {
        all: false,
        scopes: [compileScope([{ kind: 'group', id: 'phones.acme', include: true }])],
      } as const;
      const scoped = await devices.deviceGroups(ids, phonesOnly);
      assert.equal(scoped.size, COUNT / 2);
      assert.ok([...scoped.values()].every((group) => group === 'phones.acme'));
    });

    it('finds the devices of a platform with a push channel among many ids', async () => {
      const devices = sqlDeviceStore(opened.db, opened.dialect);
      statements = 0;
      const pushable = await devices.pushableDevices(ids, 'ios');
      assert.equal(statements, opened.dialect === 'postgres' ? 1 : 3);
      assert.deepEqual(
        pushable.map((d) => d.id).sort(),
        Array.from({ length: COUNT / 10 }, (_, k) => idOf(k * 10)).sort(),
      );
      assert.deepEqual(await devices.pushableDevices([], 'ios'), []);
    });
  });
}
