import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteFileOf } from '../config';
import { sqlGroupRegistry } from '../store/sql/groups.sql';
import { openDatabase } from '../store/sql/open-database';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

type Item = { id: string; platform: string };

/** The device list through the API: sorted, searched, paged and counted on the server (issue 10). */
describe('GET /devices: sort, search, pages and total', () => {
  let api: TestApiServer;
  const all: string[] = [];
  before(async () => {
    api = await startTestApiServer();
    // Devices straight in the database: enrolling goes through the device API, not this one.
    const { db, close } = openDatabase({ sqliteFile: sqliteFileOf(api.config) });
    try {
      const rows = [];
      for (const [g, group] of ['phones.acme', 'tabs.acme', 'kiosks.globex'].entries()) {
        await sqlGroupRegistry(db).ensureGroup(group, 1);
        for (let n = 0; n < 30; n++) {
          const name =
            n === 0 && g === 0
              ? 'ph_1'
              : n === 1 && g === 0
                ? 'phx1'
                : `d${String(n * 3 + g).padStart(3, '0')}`;
          const id = `${name}.${group}`;
          all.push(id);
          rows.push({
            id,
            guid: `guid-${id}`,
            name,
            group_id: group,
            org_id: group.slice(group.lastIndexOf('.') + 1),
            platform: n % 2 ? 'ios' : 'android',
            public_key: `key-${id}`,
            model: n % 5 === 0 ? '100% Phone' : `Model ${n % 4}`,
            enrolled_at: 1_900_000_000_000 + n,
            last_checkin_at: n % 3 ? 1_900_000_000_000 + (n % 7) : null,
          });
        }
      }
      await db.insertInto('devices').values(rows).execute();
    } finally {
      await close();
    }
  });
  after(async () => {
    await api?.close();
  });

  async function walk(query: string, limit: number): Promise<{ ids: string[]; total: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let total = -1;
    for (let pages = 0; pages < 500; pages++) {
      const path: string = `/devices?${query}&limit=${limit}${cursor === null ? '' : `&after=${encodeURIComponent(cursor)}`}`;
      const page = await api.call('GET', path);
      assert.equal(page.status, 200, `${path}: ${JSON.stringify(page.body)}`);
      if (total === -1) total = page.body.total;
      ids.push(...page.body.items.map((d: Item) => d.id));
      cursor = page.body.next;
      if (cursor === null) return { ids, total };
    }
    throw new Error('the walk never ended');
  }

  it('walks every sort in both orders: every device exactly once, in the order of the whole list', async () => {
    for (const sort of ['id', 'group', 'platform', 'lastCheckin', 'enrolled']) {
      for (const order of ['asc', 'desc']) {
        const query = `sort=${sort}&order=${order}`;
        const { ids, total } = await walk(query, 7);
        assert.equal(total, all.length, query);
        assert.deepEqual([...ids].sort(), [...all].sort(), `${query}: each once`);
        const whole = await api.call('GET', `/devices?${query}`);
        assert.deepEqual(
          ids,
          whole.body.items.map((d: Item) => d.id),
          `${query}: pages are the list`,
        );
      }
    }
    const first = await api.call('GET', '/devices?limit=2');
    assert.equal(first.body.next, first.body.items[1].id, 'the list by id keeps the id as its cursor');
  });

  it('shows each device with every field of its view, and searches with "%" and "_" literal', async () => {
    const page = await api.call('GET', '/devices?search=PH_&limit=5');
    assert.deepEqual(
      page.body.items.map((d: Item) => d.id),
      ['ph_1.phones.acme'],
    );
    assert.equal(page.body.total, 1);
    assert.deepEqual(Object.keys(page.body.items[0]).sort(), [
      'batteryPercent',
      'checkinIntervalMinutes',
      'enrolledAt',
      'group',
      'guid',
      'id',
      'lastCheckinAt',
      'model',
      'name',
      'nextCheckinExpectedAt',
      'osVersion',
      'overdue',
      'ownSettings',
      'platform',
      'pushChannel',
      'tracking',
    ]);
    const percent = await api.call('GET', '/devices?search=%25&filter=*.acme&limit=1');
    assert.equal(percent.body.total, 12, '"100% Phone" in the two acme groups');
    const one = await api.call('GET', `/devices/${page.body.items[0].id}`);
    assert.deepEqual(one.body, page.body.items[0]);
  });

  it('answers 400 invalid-input naming what is wrong', async () => {
    const cases: Array<[string, RegExp]> = [
      ['sort=name', /sort must be one of id, group, platform, lastCheckin, enrolled/],
      ['order=down', /order must be one of asc, desc/],
      ['limit=5000', /limit must be <= 1000/],
      ['model=x', /unknown parameter "model" \(known: filter, limit, after, sort, order, search\)/],
      [
        'sort=platform&after=ph_1.phones.acme',
        /"after" is a device id, which continues only the list by id ascending/,
      ],
      ['after=x', /"after" is not a cursor of this list/],
    ];
    for (const [query, message] of cases) {
      const answer = await api.call('GET', `/devices?${query}`);
      assert.equal(answer.status, 400, `${query}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'invalid-input', query);
      assert.match(answer.body.error.message, message, query);
    }
  });
});
