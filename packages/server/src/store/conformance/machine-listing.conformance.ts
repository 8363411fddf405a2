import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Inventory } from '@muster/protocol';
import { MACHINE_STATUSES, type MachineStatus } from '../../domain/machine-status';
import type { StoreBackend } from '../interfaces';
import {
  type KeysetPosition,
  MACHINE_SORT_KEYS,
  type MachineListQuery,
  type MachineSort,
  type SortOrder,
} from '../list-record';
import { account, CUSTOM_CONTROL, DEFAULT_CONTROL, INVENTORY, mustFind, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

const SORTS = Object.keys(MACHINE_SORT_KEYS) as MachineSort[];
const ORDERS: SortOrder[] = ['asc', 'desc'];

/** What each fixture machine is, and so where every order must put it. */
interface Fixture {
  id: string;
  status: MachineStatus;
  /** Logged-on user as the agent reports it (kept while offline, shown only while connected). */
  user?: string;
  idle?: number;
  seenAt?: number;
  version?: string;
  os?: { platform: string; release: string };
}

const FIXTURES: Fixture[] = [
  { id: 'never.alpha.lst', status: 'never-checked-in' },
  { id: 'zz-never.beta.lst', status: 'never-checked-in' },
  { id: 'susp.beta.lst', status: 'suspended', seenAt: T0 + 50, version: '1.0.0' },
  { id: 'off.alpha.lst', status: 'offline', user: 'Gone', seenAt: T0 + 10, version: '1.2.0' },
  { id: 'wait.beta.lst', status: 'online-awaiting-audit', seenAt: T0 + 30, version: '1.2.0' },
  {
    id: 'norc.alpha.lst',
    status: 'remote-control-disabled',
    seenAt: T0 + 30,
    version: '0.9.0',
    os: { platform: 'windows', release: '11' },
  },
  {
    id: 'idle.beta.lst',
    status: 'user-idle',
    user: 'CORP\\Alice',
    idle: 900,
    seenAt: T0 + 40,
    version: '1.2.0',
    os: { platform: 'linux', release: '6.1' },
  },
  {
    id: 'user.alpha.lst',
    status: 'user-logged-on',
    user: 'bob_smith',
    idle: 5,
    seenAt: T0 + 20,
    version: '1.10.0',
    os: { platform: 'linux', release: '5.10' },
  },
  {
    id: 'pct.alpha.lst',
    status: 'user-logged-on',
    user: '100%done',
    idle: 0,
    seenAt: T0 + 20,
    version: '1.2.0',
    os: { platform: 'linux', release: '6.1' },
  },
  {
    id: 'up.beta.lst',
    status: 'online',
    seenAt: T0 + 60,
    version: '2.0.0',
    os: { platform: 'linux', release: '6.1' },
  },
];

/** Puts a fixture machine in the state its status needs, through the store's own writers. */
async function arrange(s: StoreBackend, f: Fixture): Promise<void> {
  await s.machines.createMachineAccount(account(f.id, { checkinControl: DEFAULT_CONTROL }));
  if (f.status === 'never-checked-in') return;
  const seenAt = f.seenAt ?? T0;
  await s.checkins.recordConnections([
    { machineId: f.id, connected: true, recordedBy: 'node-a', at: seenAt - 1 },
  ]);
  await s.checkins.recordCheckins([
    {
      machineId: f.id,
      seenAt,
      loggedOnUser: f.user ?? null,
      userIdleSeconds: f.idle ?? 0,
      localAddresses: [],
      agentVersion: f.version ?? '1.0.0',
    },
  ]);
  if (f.os) {
    const inventory: Inventory = { ...INVENTORY, os: { ...INVENTORY.os, ...f.os } };
    await s.machines.recordAudit(f.id, inventory, seenAt);
  } else if (f.status !== 'online-awaiting-audit') {
    await s.machines.recordAudit(f.id, INVENTORY, seenAt);
  }
  if (f.status === 'remote-control-disabled') await s.machines.setRemoteControlEnabled(f.id, false);
  if (f.status === 'suspended') await s.machines.setSuspended(f.id, true);
  if (f.status === 'offline')
    await s.checkins.recordConnections([
      { machineId: f.id, connected: false, recordedBy: 'node-a', at: seenAt + 1 },
    ]);
}

const osOf = (f: Fixture) =>
  f.os
    ? `${f.os.platform} ${f.os.release}`
    : f.status === 'never-checked-in' || f.status === 'online-awaiting-audit'
      ? ''
      : `${INVENTORY.os.platform} ${INVENTORY.os.release}`;
const connected = (f: Fixture) => !['never-checked-in', 'offline'].includes(f.status);

/** Each order's key of a fixture, worked out here independently of the SQL. */
function keyOf(f: Fixture, sort: MachineSort): string | number {
  switch (sort) {
    case 'id':
      return f.id;
    case 'group':
      return f.id.slice(f.id.indexOf('.') + 1);
    case 'status':
      return MACHINE_STATUSES.indexOf(f.status);
    case 'lastCheckin':
      if (connected(f)) return Number.MAX_SAFE_INTEGER;
      return f.status === 'never-checked-in' ? 0 : (f.seenAt ?? T0);
    case 'loggedOnUser':
      return connected(f) && f.user ? f.user.toLowerCase() : '';
    case 'agentVersion':
      return f.status === 'never-checked-in' ? '' : (f.version ?? '1.0.0');
    case 'os':
      return osOf(f);
  }
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** The fixtures in an order: by key, then by id, both reversed for desc. */
function expected(sort: MachineSort, order: SortOrder, only = FIXTURES): string[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...only]
    .sort((a, b) => sign * (compare(keyOf(a, sort), keyOf(b, sort)) || compare(a.id, b.id)))
    .map((f) => f.id);
}

const LST = ['%.lst'];
const query = (
  sort: MachineSort,
  order: SortOrder,
  more: Partial<MachineListQuery> = {},
): MachineListQuery => ({
  likePatterns: LST,
  sort,
  order,
  ...more,
});

/** Walks a whole list in pages of `limit`, each page starting after the last of the one before. */
async function walk(
  s: StoreBackend,
  q: MachineListQuery,
  limit: number,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: KeysetPosition | undefined;
  for (let pages = 1; pages < 10_000; pages++) {
    const page = await s.machines.listMachinePage({ ...q, limit, ...(after ? { after } : {}) });
    ids.push(...page.rows.map((r) => r.machine.id));
    const last = page.rows.at(-1);
    if (page.rows.length < limit || !last) return { ids, pages };
    after = { key: last.key, id: last.machine.id };
  }
  throw new Error('the walk never ended');
}

/** Conformance tests of the machine list's sort, search, status filter and keyset pages. */
export function machineListingTests(store: StoreRef): void {
  before(async () => {
    const s = store();
    for (const g of ['alpha.lst', 'beta.lst', 'lit.lst']) await s.groups.ensureGroup(g, T0);
    for (const f of FIXTURES) await arrange(s, f);
  });

  it('gives each fixture the stored status it was arranged for', async () => {
    const page = await store().machines.listMachinePage(query('status', 'asc'));
    const byId = new Map(page.rows.map((r) => [r.machine.id, r.key]));
    for (const f of FIXTURES) assert.equal(byId.get(f.id), MACHINE_STATUSES.indexOf(f.status), f.id);
    assert.equal(page.total, FIXTURES.length);
  });

  it('orders by every sort both ways: by key, ties by id, machines without a value first ascending', async () => {
    const s = store();
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        const page = await s.machines.listMachinePage(query(sort, order));
        assert.deepEqual(
          page.rows.map((r) => r.machine.id),
          expected(sort, order),
          `sort=${sort} order=${order}`,
        );
      }
    }
  });

  it('walks every order page by page: every machine exactly once, in order, from the position of the page before', async () => {
    const s = store();
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        const { ids, pages } = await walk(s, query(sort, order), 3);
        assert.deepEqual(ids, expected(sort, order), `sort=${sort} order=${order}`);
        assert.equal(pages, Math.ceil((FIXTURES.length + 1) / 3), 'pages of 3');
      }
    }
  });

  it('counts every match in total, whatever the page, position and limit', async () => {
    const s = store();
    const all = await s.machines.listMachinePage(query('group', 'desc', { limit: 2 }));
    assert.equal(all.rows.length, 2);
    assert.equal(all.total, FIXTURES.length);
    const last = all.rows.at(-1);
    assert.ok(last);
    const later = await s.machines.listMachinePage(
      query('group', 'desc', { limit: 2, after: { key: last.key, id: last.machine.id } }),
    );
    assert.equal(later.total, FIXTURES.length);
    const alpha = await s.machines.listMachinePage(
      query('id', 'asc', { likePatterns: ['%.alpha.lst'], limit: 1 }),
    );
    assert.equal(alpha.total, FIXTURES.filter((f) => f.id.endsWith('.alpha.lst')).length);
    const scoped = await s.machines.listMachinePage(query('id', 'asc', { limit: 1 }), {
      all: false,
      scopes: [
        {
          includeGroups: ['beta.lst'],
          excludeGroups: [],
          includeMachines: ['off.alpha.lst'],
          excludeMachines: [],
        },
      ],
    });
    assert.equal(scoped.total, FIXTURES.filter((f) => f.id.endsWith('.beta.lst')).length + 1);
    assert.deepEqual(
      scoped.rows.map((r) => r.machine.id),
      ['idle.beta.lst'],
    );
  });

  it('filters by stored status', async () => {
    const s = store();
    const page = await s.machines.listMachinePage(
      query('id', 'asc', {
        statusKeys: [MACHINE_STATUSES.indexOf('user-logged-on'), MACHINE_STATUSES.indexOf('offline')],
      }),
    );
    assert.deepEqual(
      page.rows.map((r) => r.machine.id),
      ['off.alpha.lst', 'pct.alpha.lst', 'user.alpha.lst'],
    );
    assert.equal(page.total, 3);
    assert.equal((await s.machines.listMachinePage(query('id', 'asc', { statusKeys: [] }))).total, 0);
  });

  it('searches the id and the logged-on user while connected, case-insensitively, "%", "_" and "\\" literally', async () => {
    const s = store();
    for (const id of ['pc_1.lit.lst', 'pcx1.lit.lst', '50%.lit.lst', '50x.lit.lst', 'a\\b.lit.lst']) {
      assert.equal(await s.machines.createMachineAccount(account(id)), true);
    }
    const found = async (search: string) =>
      (await s.machines.listMachinePage(query('id', 'asc', { search }))).rows.map((r) => r.machine.id);
    assert.deepEqual(await found('_'), ['pc_1.lit.lst', 'user.alpha.lst'], '"_" is no wildcard (bob_smith)');
    assert.deepEqual(await found('%'), ['50%.lit.lst', 'pct.alpha.lst'], '"%" is no wildcard (100%done)');
    assert.deepEqual(await found('\\'), ['a\\b.lit.lst', 'idle.beta.lst'], '"\\" is itself (CORP\\Alice)');
    assert.deepEqual(await found('PC_1'), ['pc_1.lit.lst'], 'ids case-insensitively');
    assert.deepEqual(await found('corp\\al'), ['idle.beta.lst'], 'users case-insensitively');
    assert.deepEqual(await found('ALICE'), ['idle.beta.lst']);
    assert.deepEqual(await found('gone'), [], 'the user of a disconnected agent is not shown, nor found');
    assert.deepEqual(await found('1'), ['pc_1.lit.lst', 'pct.alpha.lst', 'pcx1.lit.lst']);
    const counted = await s.machines.listMachinePage(
      query('lastCheckin', 'desc', { search: 'lit', limit: 1 }),
    );
    assert.equal(counted.total, 5);
    assert.equal(counted.rows.length, 1);
  });

  it('keeps the settings the agent confirmed: those of the newest revision, not of an older one acknowledged late', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('conf.alpha.lst'));
    assert.equal((await mustFind(s, 'conf.alpha.lst')).appliedCheckinControl, null);
    await s.machines.recordSettingsApplied('conf.alpha.lst', 1);
    assert.deepEqual((await mustFind(s, 'conf.alpha.lst')).appliedCheckinControl, DEFAULT_CONTROL);
    await s.machines.updateCheckinControl([{ id: 'conf.alpha.lst', checkinControl: CUSTOM_CONTROL }]);
    await s.machines.updateCheckinControl([
      { id: 'conf.alpha.lst', checkinControl: { ...CUSTOM_CONTROL, periodSeconds: 77 } },
    ]);
    await s.machines.recordSettingsApplied('conf.alpha.lst', 2);
    const late = await mustFind(s, 'conf.alpha.lst');
    assert.equal(late.appliedRevision, 2);
    assert.deepEqual(late.appliedCheckinControl, DEFAULT_CONTROL, 'revision 2 is no longer known');
    await s.machines.recordSettingsApplied('conf.alpha.lst', 3);
    assert.deepEqual((await mustFind(s, 'conf.alpha.lst')).appliedCheckinControl, {
      ...CUSTOM_CONTROL,
      periodSeconds: 77,
    });
  });
}

/** More machines than FEW_MATCHES, so pages are taken by walking an order's index, not from the matches. */
export function manyMachineListingTests(store: StoreRef): void {
  const COUNT = 2_400;
  const idOf = (n: number) => `m${String(n).padStart(4, '0')}.many.lst`;
  before(async () => {
    const s = store();
    await s.groups.ensureGroup('many.lst', T0);
    for (let i = 0; i < COUNT; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, COUNT - i) }, (_, k) =>
          s.machines.createMachineAccount(account(idOf(i + k))),
        ),
      );
    }
    // Sessions at a few distinct times; a third never connects, a third is still connected
    // (lastCheckin "now"), so every order has long runs of equal keys.
    await s.checkins.recordConnections(
      Array.from({ length: COUNT }, (_, n) => ({
        machineId: idOf(n),
        connected: n % 3 !== 0,
        at: T0 + (n % 7),
        recordedBy: 'node-a',
      })),
    );
    await s.checkins.recordConnections(
      Array.from({ length: COUNT }, (_, n) => n)
        .filter((n) => n % 3 === 1)
        .map((n) => ({ machineId: idOf(n), connected: false, recordedBy: 'node-a', at: T0 + 100 })),
    );
  });

  it('walks a large list in every order, with and without a search: every machine exactly once', async () => {
    const s = store();
    const all = Array.from({ length: COUNT }, (_, n) => idOf(n));
    for (const sort of ['lastCheckin', 'status', 'id'] as const) {
      for (const order of ORDERS) {
        const q: MachineListQuery = { likePatterns: ['%.many.lst'], sort, order };
        const { ids } = await walk(s, q, 500);
        assert.equal(ids.length, COUNT, `sort=${sort} order=${order}`);
        assert.deepEqual([...ids].sort(), all, `sort=${sort} order=${order}: each once`);
        const full = await s.machines.listMachinePage(q);
        assert.deepEqual(
          ids,
          full.rows.map((r) => r.machine.id),
          'the pages are the list, in its order',
        );
        const few = await walk(s, { ...q, search: 'm01' }, 30);
        assert.deepEqual(
          [...few.ids].sort(),
          all.filter((id) => id.startsWith('m01')),
        );
      }
    }
    const page = await s.machines.listMachinePage({
      likePatterns: ['%.many.lst'],
      sort: 'id',
      order: 'asc',
      search: 'M',
      limit: 10,
    });
    assert.equal(page.total, COUNT, 'all match "m": more than FEW_MATCHES');
    assert.equal(page.rows.length, 10);
  });
}
