import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

type Item = { id: string; target: string; type: string; status: string };

/** The command lists through the API: sorted, searched, paged and counted on the server (issue 10). */
describe('GET /commands and GET /machines/{id}/commands: sort, search, pages and total', () => {
  let api: TestApiServer;
  const machines = ['pc_1.web.acme', 'pcx1.web.acme', 'srv.ops.acme'];
  let queued = 0;
  before(async () => {
    api = await startTestApiServer();
    await api.seedMachines('web.acme', machines.slice(0, 2));
    await api.seedMachines('ops.acme', machines.slice(2));
    for (let round = 0; round < 4; round++) {
      for (const [type, params] of [
        ['audit', {}],
        ['shell', { script: `echo ${round}` }],
      ] as const) {
        const answer = await api.call('POST', '/commands', { targets: { machines }, type, params });
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        queued += machines.length;
      }
    }
  });
  after(async () => {
    await api?.close();
  });

  async function walk(path: string, limit: number): Promise<{ items: Item[]; total: number }> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let total = -1;
    const join = path.includes('?') ? '&' : '?';
    for (let pages = 0; pages < 500; pages++) {
      const url: string = `${path}${join}limit=${limit}${cursor === null ? '' : `&after=${encodeURIComponent(cursor)}`}`;
      const page = await api.call('GET', url);
      assert.equal(page.status, 200, `${url}: ${JSON.stringify(page.body)}`);
      if (total === -1) total = page.body.total;
      items.push(...page.body.items);
      cursor = page.body.next;
      if (cursor === null) return { items, total };
    }
    throw new Error('the walk never ended');
  }

  it('walks every sort in both orders: every command exactly once, in the order of the whole list', async () => {
    for (const sort of ['created', 'status', 'type', 'target']) {
      for (const order of ['asc', 'desc']) {
        const query = `/commands?sort=${sort}&order=${order}`;
        const { items, total } = await walk(query, 5);
        assert.equal(total, queued, query);
        assert.equal(new Set(items.map((c) => c.id)).size, queued, `${query}: each once`);
        const whole = await api.call('GET', `${query}&limit=1000`);
        assert.deepEqual(
          items.map((c) => c.id),
          whole.body.items.map((c: Item) => c.id),
          `${query}: pages are the list`,
        );
      }
    }
    const byType = await api.call('GET', '/commands?sort=type&limit=1000');
    const types = byType.body.items.map((c: Item) => c.type);
    assert.deepEqual(types, [...types].sort(), 'sorted by type');
  });

  it('keeps the newest-first pages of before, with next as the sequence number', async () => {
    const first = await api.call('GET', '/commands?limit=4');
    assert.match(first.body.next, /^\d+$/);
    const older = await api.call('GET', `/commands?limit=4&before=${first.body.next}`);
    const same = await api.call('GET', `/commands?limit=4&after=${first.body.next}`);
    assert.deepEqual(
      older.body.items.map((c: Item) => c.id),
      same.body.items.map((c: Item) => c.id),
    );
    assert.equal(older.body.items.length, 4);
    assert.ok(older.body.items.every((c: Item) => !first.body.items.some((f: Item) => f.id === c.id)));
  });

  it('searches the target and the type, "_" and "%" literally, and counts the matches', async () => {
    const found = await api.call('GET', '/commands?search=PC_1&limit=3');
    assert.equal(found.body.total, 8, 'the 8 commands of pc_1, not those of pcx1');
    assert.ok(found.body.items.every((c: Item) => c.target === 'pc_1.web.acme'));
    const shell = await api.call('GET', '/commands?search=she&filter=web.acme&limit=1');
    assert.equal(shell.body.total, 8);
    assert.equal((await api.call('GET', '/commands?search=%25')).body.total, 0);
  });

  it("pages one machine's commands the same way, with its total", async () => {
    const { items, total } = await walk('/machines/srv.ops.acme/commands?sort=type&order=desc', 3);
    assert.equal(total, 8);
    assert.equal(new Set(items.map((c) => c.id)).size, 8);
    assert.ok(items.every((c) => c.target === 'srv.ops.acme'));
    assert.deepEqual(
      items.map((c) => c.type),
      ['shell', 'shell', 'shell', 'shell', 'audit', 'audit', 'audit', 'audit'],
    );
    const plain = await api.call('GET', '/machines/srv.ops.acme/commands');
    assert.equal(plain.body.items.length, 8, 'no limit given: the first 200');
    assert.equal(plain.body.next, null);
  });

  it('answers 400 invalid-input naming what is wrong', async () => {
    const typeCursor = (await api.call('GET', '/commands?sort=type&limit=1')).body.next;
    const cases: Array<[string, RegExp]> = [
      ['/commands?sort=when', /sort must be one of created, status, type, target/],
      ['/commands?order=newest', /order must be one of asc, desc/],
      ['/commands?status=done', /status must be one of pending, processing, complete/],
      ['/commands?limit=0', /limit must be >= 1/],
      [
        '/commands?page=2',
        /unknown parameter "page" \(known: target, filter, from, to, before, limit, after/,
      ],
      // Cursors: both kinds at once, the old one with another order, a seq or a cursor of another order.
      ['/commands?before=5&after=5', /give "after" or "before", not both/],
      ['/commands?before=5&sort=type', /"before" pages only the newest-first order/],
      ['/commands?sort=type&after=12', /"after" is a command sequence number/],
      [`/commands?sort=target&after=${typeCursor}`, /"after" belongs to the order sort=type&order=asc/],
      ['/commands?after=bogus', /"after" is not a cursor of this list/],
      ['/commands?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', /"from" is after "to"/],
      ['/machines/srv.ops.acme/commands?sort=when', /sort must be one of created/],
      ['/machines/srv.ops.acme/commands?target=x', /unknown parameter "target"/],
    ];
    for (const [path, message] of cases) {
      const answer = await api.call('GET', path);
      assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'invalid-input', path);
      assert.match(answer.body.error.message, message, path);
    }
  });
});
