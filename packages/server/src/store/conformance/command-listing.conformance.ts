import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { CommandQuery, CommandRecord, NewCommand } from '../command-record';
import type { StoreBackend } from '../interfaces';
import { COMMAND_SORT_KEYS, type CommandSort, type KeysetPosition, type SortOrder } from '../list-record';
import type { StoreRef } from './store-conformance';

const T0 = 1_900_000_000_000;
const SORTS = Object.keys(COMMAND_SORT_KEYS) as CommandSort[];
const ORDERS: SortOrder[] = ['asc', 'desc'];

let counter = 0;
function cmd(targetId: string, type: string): NewCommand {
  counter += 1;
  return {
    id: `lc${counter}`,
    orgId: targetId.slice(targetId.lastIndexOf('.') + 1),
    targetKind: 'machine',
    targetId,
    groupId: targetId.slice(targetId.indexOf('.') + 1),
    type,
    params: {},
    priority: 0,
    maxAttempts: 2,
    expiresAt: null,
  };
}

/** Each order's key of a command, worked out here independently of the SQL. */
function keyOf(c: CommandRecord, sort: CommandSort): string | number {
  if (sort === 'created') return c.seq;
  if (sort === 'status') return c.status;
  if (sort === 'type') return c.type;
  return c.targetId;
}
const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
function expected(list: readonly CommandRecord[], sort: CommandSort, order: SortOrder): string[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...list]
    .sort((a, b) => sign * (compare(keyOf(a, sort), keyOf(b, sort)) || a.seq - b.seq))
    .map((c) => c.id);
}

/** Walks a list in pages, each starting after the last command of the page before. */
async function walk(s: StoreBackend, q: CommandQuery): Promise<string[]> {
  const ids: string[] = [];
  let after: KeysetPosition<number> | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const { rows } = await s.commands.listCommandPage({ ...q, ...(after ? { after } : {}) });
    ids.push(...rows.map((c) => c.id));
    const last = rows.at(-1);
    if (rows.length < q.limit || !last) return ids;
    after = { key: keyOf(last, q.sort ?? 'created'), id: last.seq };
  }
  throw new Error('the walk never ended');
}

/** Conformance tests of the command list's sort, search, totals and keyset pages. */
export function commandListingTests(store: StoreRef): void {
  let listed: CommandRecord[] = [];
  before(async () => {
    const s = store();
    for (const g of ['a.lc.acme', 'b.lc.acme', 'lc.globex']) await s.groups.ensureGroup(g, T0);
    const batch = [
      cmd('pc_1.a.lc.acme', 'shell'),
      cmd('pcx1.a.lc.acme', 'audit'),
      cmd('pc_1.a.lc.acme', 'get-file'),
      cmd('srv.b.lc.acme', 'shell'),
      cmd('srv.b.lc.acme', 'update-checkin-control'),
      cmd('50%.b.lc.acme', 'audit'),
      cmd('x.lc.globex', 'shell'),
    ];
    const { commands } = await s.commands.enqueue(batch, null, T0);
    // Two more statuses than pending, so the order by status has ties and gaps.
    await s.commands.cancel(commands[1]?.id as string, T0 + 1);
    await s.commands.cancel(commands[3]?.id as string, T0 + 1);
    const [claimed] = (await s.commands.claimNext('machine', 'srv.b.lc.acme', T0 + 2, 60_000, 1)).claimed;
    assert.ok(claimed);
    listed = await s.commands.listCommands({ targetLike: '%.lc.%', limit: 100 });
    assert.equal(listed.length, batch.length);
  });

  it('orders by every sort both ways, ties by creation; the default is newest first', async () => {
    const s = store();
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        const { rows } = await s.commands.listCommandPage({ targetLike: '%.lc.%', sort, order, limit: 100 });
        assert.deepEqual(
          rows.map((c) => c.id),
          expected(listed, sort, order),
          `sort=${sort} order=${order}`,
        );
      }
    }
    const plain = await s.commands.listCommandPage({ targetLike: '%.lc.%', limit: 100 });
    assert.deepEqual(
      plain.rows.map((c) => c.id),
      expected(listed, 'created', 'desc'),
    );
  });

  it('walks every order page by page: every command exactly once, in order', async () => {
    const s = store();
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        const ids = await walk(s, { targetLike: '%.lc.%', sort, order, limit: 2 });
        assert.deepEqual(ids, expected(listed, sort, order), `sort=${sort} order=${order}`);
      }
    }
  });

  it('counts every match in total; several filter patterns are one list', async () => {
    const s = store();
    const page = await s.commands.listCommandPage({ targetLike: ['%.a.lc.acme', '%.lc.globex'], limit: 1 });
    assert.equal(page.total, 4);
    assert.equal(page.rows.length, 1);
    const scoped = await s.commands.listCommandPage({
      limit: 100,
      scope: {
        all: false,
        scopes: [
          { includeGroups: ['b.lc.acme'], excludeGroups: [], includeMachines: [], excludeMachines: [] },
        ],
      },
    });
    assert.deepEqual(
      scoped.rows.map((c) => c.targetId),
      ['50%.b.lc.acme', 'srv.b.lc.acme', 'srv.b.lc.acme'],
    );
    assert.equal(scoped.total, 3);
    const canceled = await s.commands.listCommandPage({ targetLike: '%.lc.%', status: 'canceled', limit: 1 });
    assert.equal(canceled.total, 2);
  });

  it('searches the target and the type, case-insensitively, "%" and "_" literally', async () => {
    const s = store();
    const targets = async (search: string) =>
      (
        await s.commands.listCommandPage({ targetLike: '%.lc.%', search, sort: 'target', limit: 100 })
      ).rows.map((c) => `${c.targetId} ${c.type}`);
    assert.deepEqual(await targets('PC_1'), ['pc_1.a.lc.acme shell', 'pc_1.a.lc.acme get-file']);
    assert.deepEqual(await targets('%'), ['50%.b.lc.acme audit']);
    assert.deepEqual(await targets('AUDIT'), ['50%.b.lc.acme audit', 'pcx1.a.lc.acme audit']);
    assert.deepEqual(await targets('-c'), ['srv.b.lc.acme update-checkin-control']);
    assert.deepEqual(await targets('nothing'), []);
  });
}

/** More commands than FEW_MATCHES, so pages are taken by walking an order's index. */
export function manyCommandListingTests(store: StoreRef): void {
  const COUNT = 2_300;
  before(async () => {
    const s = store();
    await s.groups.ensureGroup('many.lc.acme', T0);
    const types = ['shell', 'audit', 'get-file'];
    const batch = Array.from({ length: COUNT }, (_, n) =>
      cmd(`m${n % 40}.many.lc.acme`, types[n % 3] as string),
    );
    for (let i = 0; i < COUNT; i += 500) await s.commands.enqueue(batch.slice(i, i + 500), null, T0);
  });

  it('walks a large list by type and by target, with and without a search: every command exactly once', async () => {
    const s = store();
    const all = (await s.commands.listCommands({ targetLike: '%.many.lc.acme', limit: 10_000 })).map(
      (c) => c.id,
    );
    assert.equal(all.length, COUNT);
    const m7 = (await s.commands.listCommands({ targetId: 'm7.many.lc.acme', limit: 10_000 })).map(
      (c) => c.id,
    );
    assert.equal(m7.length, 58);
    for (const sort of ['type', 'target', 'created'] as const) {
      for (const order of ORDERS) {
        const ids = await walk(s, { targetLike: '%.many.lc.acme', sort, order, limit: 400 });
        assert.deepEqual([...ids].sort(), [...all].sort(), `sort=${sort} order=${order}`);
        const few = await walk(s, { targetLike: '%.many.lc.acme', sort, order, limit: 7, search: 'm7.' });
        assert.deepEqual([...few].sort(), [...m7].sort(), `search, sort=${sort} order=${order}`);
      }
    }
    const page = await s.commands.listCommandPage({ targetLike: '%.many.lc.acme', search: 'M', limit: 5 });
    assert.equal(page.total, COUNT);
  });
}
