import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutDevicePage, DEVICES_PAGE_SIZE } from '../src/pages/devices/device-list';
import type { DeviceView } from '../src/pages/devices/device-types';

const device = (n: number, lastCheckinAt: string | null, batteryPercent: number | null): DeviceView =>
  ({
    id: `phone-${String(n).padStart(3, '0')}.phones.acme`,
    platform: n % 2 ? 'ios' : 'android',
    lastCheckinAt,
    batteryPercent,
  }) as DeviceView;

describe('the device list cut into pages (until GET /devices pages on the server)', () => {
  const all = Array.from({ length: 120 }, (_, i) =>
    device(
      i,
      i % 10 === 0 ? null : new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      i === 5 ? null : i % 100,
    ),
  );

  it('pages by id with the offset as the cursor, and counts the whole list', () => {
    const first = cutDevicePage(all, { column: 'id', descending: false }, null);
    assert.equal(first.items.length, DEVICES_PAGE_SIZE);
    assert.equal(first.items[0]?.id, 'phone-000.phones.acme');
    assert.equal(first.total, 120);
    const third = cutDevicePage(all, { column: 'id', descending: false }, '100');
    assert.deepEqual(
      third.items.map((d) => d.id),
      all.slice(100).map((d) => d.id),
    );
    assert.equal(third.next, null);
    assert.equal(first.next, '50');
  });

  it('sorts by a column both ways; devices that never checked in sort as the oldest', () => {
    const newest = cutDevicePage(all, { column: 'lastCheckinAt', descending: true }, null).items;
    assert.equal(newest[0]?.id, 'phone-119.phones.acme');
    const oldest = cutDevicePage(all, { column: 'lastCheckinAt', descending: false }, null).items;
    assert.equal(oldest[0]?.lastCheckinAt, null);
    assert.equal(oldest.slice(0, 12).filter((d) => d.lastCheckinAt === null).length, 12);
    const battery = cutDevicePage(all, { column: 'batteryPercent', descending: true }, null).items;
    assert.equal(battery[0]?.batteryPercent, 99);
  });
});
