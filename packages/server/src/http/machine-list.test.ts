import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

const GROUPS = ['a.web.acme', 'b.web.acme', 'c.ops.acme', 'd.ops.globex'];
const PER_GROUP = 60;

/** The machine list through the API: sorted, searched, paged on the server (issue 10). */
describe('GET /machines: sort, search, pages and total', () => {
  let api: TestApiServer;
  const all: string[] = [];
  before(async () => {
    api = await startTestApiServer();
    for (const [g, group] of GROUPS.entries()) {
      // Ids interleave across groups, so the order by group differs from the order by id.
      const ids = Array.from(
        { length: PER_GROUP },
        (_, n) => `m${String(n * GROUPS.length + g).padStart(3, '0')}.${group}`,
      );
      await api.seedMachines(group, ids);
      all.push(...ids);
    }
    await api.seedMachines('lit.acme', ['pc_1.lit.acme', 'pcx1.lit.acme', '50%.lit.acme', '50x.lit.acme']);
    all.push('pc_1.lit.acme', 'pcx1.lit.acme', '50%.lit.acme', '50x.lit.acme');
  });
  after(async () => {
    await api?.close();
  });

  /** Follows `next` from the first page to the last; every page answers 200 with the same total. */
  async function walk(
    query: string,
    limit: number,
  ): Promise<{ ids: string[]; total: number; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let total = -1;
    let pages = 0;
    do {
      const path: string = `/machines?${query}&limit=${limit}${cursor === null ? '' : `&after=${encodeURIComponent(cursor)}`}`;
      const page = await api.call('GET', path);
      assert.equal(page.status, 200, `${path}: ${JSON.stringify(page.body)}`);
      if (total === -1) total = page.body.total;
      assert.equal(page.body.total, total, 'every page counts the same list');
      ids.push(...page.body.items.map((m: { id: string }) => m.id));
      cursor = page.body.next;
      pages++;
      assert.ok(pages < 1000);
    } while (cursor !== null);
    return { ids, total, pages };
  }

  it('walks every sort in both orders page by page: every machine exactly once, in the order of the whole list', async () => {
    for (const sort of ['id', 'group', 'status', 'lastCheckin', 'loggedOnUser', 'agentVersion', 'os']) {
      for (const order of ['asc', 'desc']) {
        const query = `sort=${sort}&order=${order}`;
        const { ids, total, pages } = await walk(query, 37);
        assert.equal(total, all.length, query);
        assert.equal(new Set(ids).size, ids.length, `${query}: no machine twice`);
        assert.deepEqual([...ids].sort(), [...all].sort(), `${query}: every machine`);
        assert.equal(pages, Math.ceil(all.length / 37), query);
        const whole = await api.call('GET', `/machines?${query}`);
        assert.deepEqual(
          ids,
          whole.body.items.map((m: { id: string }) => m.id),
          `${query}: pages are the list`,
        );
      }
    }
    const byGroup = await api.call('GET', '/machines?sort=group&order=desc&limit=3');
    assert.deepEqual(
      byGroup.body.items.map((m: { id: string }) => m.id),
      ['pcx1.lit.acme', 'pc_1.lit.acme', '50x.lit.acme'],
      'group desc, ties by id desc',
    );
  });

  it('keeps the cursor of the list by id ascending a machine id, as before', async () => {
    const page = await api.call('GET', '/machines?limit=2');
    assert.deepEqual(
      page.body.items.map((m: { id: string }) => m.id),
      ['50%.lit.acme', '50x.lit.acme'],
    );
    assert.equal(page.body.next, '50x.lit.acme');
    assert.equal(page.body.total, all.length);
    const other = await api.call('GET', '/machines?limit=2&sort=group');
    assert.match(other.body.next, /^[A-Za-z0-9_-]+$/, 'other orders have an opaque cursor');
  });

  it('searches ids case-insensitively, with "%" and "_" as plain characters', async () => {
    const found = async (search: string) =>
      (await api.call('GET', `/machines?search=${encodeURIComponent(search)}`)).body;
    assert.deepEqual(
      (await found('PC_1')).items.map((m: { id: string }) => m.id),
      ['pc_1.lit.acme'],
    );
    assert.deepEqual(
      (await found('_')).items.map((m: { id: string }) => m.id),
      ['pc_1.lit.acme'],
    );
    assert.deepEqual(
      (await found('%')).items.map((m: { id: string }) => m.id),
      ['50%.lit.acme'],
    );
    const ops = await found('.ops.');
    assert.equal(ops.total, 2 * PER_GROUP);
    const filtered = await api.call('GET', '/machines?filter=*.globex&search=m0&limit=5');
    assert.equal(filtered.body.total, 25, 'filter and search together: m0.. of d.ops.globex');
    assert.equal(filtered.body.items.length, 5);
  });

  it('shows each machine with what the Machines and Check-In Control pages need, PENDING settings included', async () => {
    const changed = await api.call('PUT', '/checkin-control', {
      machines: ['m000.a.web.acme'],
      settings: { periodSeconds: 120, bindToServer: true },
    });
    assert.equal(changed.status, 200);
    const page = await api.call('GET', '/machines?search=m000.a.web&limit=1');
    const [machine] = page.body.items;
    assert.deepEqual(Object.keys(machine).sort(), [
      'agentVersion',
      'appliedCheckinControl',
      'audit',
      'bound',
      'checkinControl',
      'connectedFrom',
      'firstCheckinAt',
      'group',
      'guid',
      'id',
      'lastCheckinAt',
      'localAddresses',
      'loggedOnUser',
      'name',
      'online',
      'organization',
      'pendingSettings',
      'remoteControlEnabled',
      'settingsApplied',
      'status',
      'suspended',
      'temporary',
      'userIdleSeconds',
    ]);
    assert.equal(machine.status, 'never-checked-in');
    assert.deepEqual(machine.checkinControl, {
      primary: { host: 'muster.example.com', port: 5721 },
      secondary: null,
      periodSeconds: 120,
      bindToServer: true,
      bandwidthKBps: 0,
    });
    assert.equal(machine.bound, true);
    // No agent ever confirmed anything: every setting is pending.
    assert.equal(machine.appliedCheckinControl, null);
    assert.deepEqual(machine.pendingSettings, [
      'primary',
      'secondary',
      'periodSeconds',
      'bindToServer',
      'bandwidthKBps',
    ]);
    assert.equal(machine.settingsApplied, false);
  });

  it('answers 400 invalid-input naming what is wrong, for every bad parameter', async () => {
    const groupCursor = (await api.call('GET', '/machines?sort=group&limit=1')).body.next;
    const cases: Array<[string, RegExp]> = [
      // An unknown sort column: the allowed ones are named.
      ['sort=name', /sort must be one of id, group, status, lastCheckin, loggedOnUser, agentVersion, os/],
      ['sort=', /sort must be one of/],
      ['order=up', /order must be one of asc, desc/],
      ['status=sleeping', /status\/0 must be one of suspended, never-checked-in, offline/],
      // Limits outside 1..1000.
      ['limit=0', /limit must be >= 1/],
      ['limit=1001', /limit must be <= 1000/],
      ['limit=ten', /limit must be integer/],
      // An unknown parameter is named, with the known ones.
      [
        'sortby=id',
        /unknown parameter "sortby" \(known: filter, status, limit, after, sort, order, search\)/,
      ],
      ['search=', /search must NOT have fewer than 1 characters/],
      [`search=${'x'.repeat(101)}`, /search must NOT have more than 100 characters/],
      // Cursors: garbage, one of another order, a machine id with an order it does not page.
      ['after=%21%21', /"after" is not a cursor of this list/],
      ['after=WyJ4Il0', /"after" is not a cursor of this list/],
      [
        `sort=status&after=${groupCursor}`,
        /"after" belongs to the order sort=group&order=asc, not sort=status&order=asc/,
      ],
      [`sort=group&order=desc&after=${groupCursor}`, /belongs to the order sort=group&order=asc/],
      [
        'sort=group&after=m000.a.web.acme',
        /"after" is a machine id, which continues only the list by id ascending/,
      ],
      ['filter=a%20b', /is not a machine filter/],
    ];
    for (const [query, message] of cases) {
      const answer = await api.call('GET', `/machines?${query}`);
      assert.equal(answer.status, 400, `${query}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'invalid-input', query);
      assert.match(answer.body.error.message, message, query);
    }
  });
});
