import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { DeviceRecord } from '../device-record';
import type { StoreBackend } from '../interfaces';
import { DEVICE_SORT_KEYS, type DeviceSort, type KeysetPosition, type SortOrder } from '../list-record';
import type { StoreRef } from './store-conformance';

const T0 = 1_900_000_000_000;
const SORTS = Object.keys(DEVICE_SORT_KEYS) as DeviceSort[];
const ORDERS: SortOrder[] = ['asc', 'desc'];

/** Each order's key of a device, worked out here independently of the SQL. */
function keyOf(d: DeviceRecord, sort: DeviceSort): string | number {
  if (sort === 'id') return d.id;
  if (sort === 'group') return d.groupId;
  if (sort === 'platform') return d.platform;
  if (sort === 'lastCheckin') return d.lastCheckinAt ?? 0;
  return d.enrolledAt;
}
const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
function expected(list: readonly DeviceRecord[], sort: DeviceSort, order: SortOrder): string[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...list]
    .sort((a, b) => sign * (compare(keyOf(a, sort), keyOf(b, sort)) || compare(a.id, b.id)))
    .map((d) => d.id);
}

async function walk(s: StoreBackend, sort: DeviceSort, order: SortOrder, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let after: KeysetPosition | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const { rows } = await s.devices.listDevicePage({
      likePatterns: null,
      sort,
      order,
      limit,
      ...(after ? { after } : {}),
    });
    ids.push(...rows.map((r) => r.device.id));
    const last = rows.at(-1);
    if (rows.length < limit || !last) return ids;
    after = { key: last.key, id: last.device.id };
  }
  throw new Error('the walk never ended');
}

/** Conformance tests of the device list's sort, search, totals and keyset pages. */
export function deviceListingTests(store: StoreRef): void {
  let all: DeviceRecord[] = [];
  before(async () => {
    const s = store();
    for (const [group, platform] of [
      ['phones.acme', 'ios'],
      ['tabs.acme', 'android'],
    ] as const) {
      await s.groups.ensureGroup(group, T0);
      await s.devices.createEnrollmentToken({
        id: `t-${group}`,
        tokenHash: `token-${group}`,
        groupId: group,
        platform,
        expiresAt: null,
        createdAt: T0,
      });
    }
    const enrolled: Array<[string, string, 'ios' | 'android', string | null, number]> = [
      ['phones.acme', 'alice', 'ios', 'iPhone 15', 3],
      ['phones.acme', 'bob_1', 'ios', 'iPhone SE', 1],
      ['phones.acme', 'bobx1', 'ios', null, 2],
      ['tabs.acme', 'carol', 'android', 'Pixel 100%', 5],
      ['tabs.acme', 'dave', 'android', 'Galaxy Tab', 4],
      ['tabs.acme', 'erin', 'android', 'Galaxy Tab', 4],
    ];
    for (const [group, name, platform, model, at] of enrolled) {
      const result = await s.devices.enrollDevice({
        tokenHash: `token-${group}`,
        now: T0 + at,
        name,
        platform,
        publicKey: `key-${name}`,
        guid: `guid-${name}`,
        model,
        osVersion: null,
        batteryPercent: null,
        pushChannel: null,
      });
      assert.equal(result.kind, 'enrolled');
    }
    // Two check in at the same time, one later, the others never.
    await s.devices.recordDeviceCheckin('alice.phones.acme', T0 + 50, {});
    await s.devices.recordDeviceCheckin('dave.tabs.acme', T0 + 50, {});
    await s.devices.recordDeviceCheckin('carol.tabs.acme', T0 + 90, {});
    all = await s.devices.listDevices(null);
    assert.equal(all.length, enrolled.length);
  });

  it('orders by every sort both ways, ties by id, never checked in first ascending', async () => {
    const s = store();
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        const page = await s.devices.listDevicePage({ likePatterns: null, sort, order });
        assert.deepEqual(
          page.rows.map((r) => r.device.id),
          expected(all, sort, order),
          `sort=${sort} order=${order}`,
        );
        assert.equal(page.total, all.length);
      }
    }
  });

  it('walks every order page by page: every device exactly once, in order', async () => {
    const s = store();
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        assert.deepEqual(
          await walk(s, sort, order, 4),
          expected(all, sort, order),
          `sort=${sort} order=${order}`,
        );
      }
    }
  });

  it('searches id, name and model case-insensitively with "%" and "_" literal, in scope, and counts the matches', async () => {
    const s = store();
    const found = async (search: string, likePatterns: string[] | null = null) => {
      const page = await s.devices.listDevicePage({
        likePatterns,
        search,
        sort: 'id',
        order: 'asc',
        limit: 1,
      });
      const whole = await s.devices.listDevicePage({ likePatterns, search, sort: 'id', order: 'asc' });
      assert.equal(page.total, whole.rows.length, 'total counts all matches, not the page');
      return whole.rows.map((r) => r.device.id);
    };
    assert.deepEqual(await found('BOB_'), ['bob_1.phones.acme']);
    assert.deepEqual(await found('%'), ['carol.tabs.acme']);
    assert.deepEqual(await found('galaxy'), ['dave.tabs.acme', 'erin.tabs.acme']);
    assert.deepEqual(await found('tabs', ['%.phones.acme']), []);
    const scoped = await s.devices.listDevicePage(
      { likePatterns: null, sort: 'id', order: 'desc', limit: 2 },
      {
        all: false,
        scopes: [
          { includeGroups: ['phones.acme'], excludeGroups: [], includeMachines: [], excludeMachines: [] },
        ],
      },
    );
    assert.deepEqual(
      scoped.rows.map((r) => r.device.id),
      ['bobx1.phones.acme', 'bob_1.phones.acme'],
    );
    assert.equal(scoped.total, 3);
  });
}
