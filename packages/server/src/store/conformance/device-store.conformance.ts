import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { DeviceEnrollment } from '../device-record';
import type { StoreRef } from './store-conformance';

const T0 = 1_900_000_000_000;

function enrollment(
  tokenHash: string,
  name: string,
  fields: Partial<DeviceEnrollment> = {},
): DeviceEnrollment {
  return {
    tokenHash,
    now: T0,
    name,
    platform: 'ios',
    publicKey: `key-${name}`,
    guid: crypto.randomUUID(),
    model: 'iPhone',
    osVersion: '18',
    batteryPercent: 80,
    pushChannel: { kind: 'apns', token: 'ab'.repeat(32) },
    ...fields,
  };
}

/** The device store's contract, run against every backend. */
export function deviceStoreTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('eu.phones.acme', T0);
    await store().devices.createEnrollmentToken({
      id: 't1',
      tokenHash: 'ios-token',
      groupId: 'phones.acme',
      platform: 'ios',
      expiresAt: T0 + 1000,
      createdAt: T0,
    });
  });

  it('enrolls devices with a token of their platform, numbering repeated names', async () => {
    const d = store().devices;
    const first = await d.enrollDevice(enrollment('ios-token', 'alice'));
    assert.equal(first.kind, 'enrolled');
    const second = await d.enrollDevice(enrollment('ios-token', 'alice'));
    assert.ok(second.kind === 'enrolled' && second.device.id === 'alice-2.phones.acme');
    assert.deepEqual(await d.enrollDevice(enrollment('nope', 'x')), {
      kind: 'token-invalid',
      reason: 'unknown',
    });
    assert.deepEqual(await d.enrollDevice(enrollment('ios-token', 'x', { platform: 'android' })), {
      kind: 'token-invalid',
      reason: 'wrong-platform',
    });
    assert.deepEqual(await d.enrollDevice(enrollment('ios-token', 'x', { now: T0 + 1000 })), {
      kind: 'token-invalid',
      reason: 'expired',
    });
    const found = await d.findDevice('alice.phones.acme');
    assert.deepEqual(found?.pushChannel, { kind: 'apns', token: 'ab'.repeat(32) });
    assert.deepEqual(
      [...(await d.deviceGroups(['alice.phones.acme', 'ghost'])).entries()],
      [['alice.phones.acme', 'phones.acme']],
    );
    assert.equal((await d.listDevices('%.phones.acme')).length, 2);
  });

  it('records check-ins, settings per device and per group', async () => {
    const d = store().devices;
    await d.recordDeviceCheckin('alice.phones.acme', T0 + 5, { batteryPercent: 40 });
    const a = await d.findDevice('alice.phones.acme');
    assert.equal(a?.lastCheckinAt, T0 + 5);
    assert.equal(a?.batteryPercent, 40);
    assert.equal(a?.model, 'iPhone', 'facts not sent are kept');
    assert.equal(
      await d.setDeviceSettings('alice.phones.acme', { checkinIntervalMinutes: 60, tracking: false }),
      true,
    );
    assert.equal(await d.setDeviceSettings('ghost', { checkinIntervalMinutes: 60, tracking: null }), false);
    assert.equal((await d.findDevice('alice.phones.acme'))?.tracking, false);
    await d.setDeviceGroupSettings('phones.acme', { checkinIntervalMinutes: 30, tracking: null });
    await d.setDeviceGroupSettings('phones.acme', { checkinIntervalMinutes: 45, tracking: true });
    assert.deepEqual(
      await d.deviceGroupSettings(['phones.acme', 'eu.phones.acme']),
      new Map([['phones.acme', { checkinIntervalMinutes: 45, tracking: true }]]),
    );
  });

  it('stores locations by time, and deletes them by age', async () => {
    const d = store().devices;
    await d.addLocations(
      'alice.phones.acme',
      [
        { at: T0 - 100, lat: 48.1, lon: 11.5, accuracyMeters: 5 },
        { at: T0 - 50, lat: -33.9, lon: 151.2, accuracyMeters: null },
      ],
      T0,
    );
    const all = await d.locations('alice.phones.acme', 0, T0, 100);
    assert.deepEqual(
      all.map((p) => p.lat),
      [48.1, -33.9],
    );
    assert.equal((await d.locations('alice.phones.acme', T0 - 60, T0, 100)).length, 1);
    assert.equal(await d.deleteLocationsReceivedBefore(T0 + 1, 1), 1);
    assert.equal((await d.locations('alice.phones.acme', 0, T0, 100)).length, 1);
  });

  it('accepts each nonce once per device', async () => {
    const d = store().devices;
    assert.equal(await d.useNonce('alice.phones.acme', 'n1', T0 + 10), true);
    assert.equal(await d.useNonce('alice.phones.acme', 'n1', T0 + 10), false);
    assert.equal(await d.useNonce('alice-2.phones.acme', 'n1', T0 + 10), true);
    await d.deleteExpiredNonces(T0 + 11);
    assert.equal(await d.useNonce('alice.phones.acme', 'n1', T0 + 20), true, 'expired nonces are forgotten');
  });

  it('logs wake-ups and marks sent ones answered by the next check-in', async () => {
    const d = store().devices;
    const base = {
      deviceId: 'alice.phones.acme',
      channel: 'apns',
      reason: null,
      attempts: 0,
      sentAt: null,
      checkinAt: null,
    };
    await d.addWake({ ...base, id: 'w1', status: 'queued', requestedAt: T0 });
    await d.addWake({ ...base, id: 'w2', status: 'queued', requestedAt: T0 + 1 });
    await d.updateWake('w1', { status: 'sent', attempts: 1, sentAt: T0 + 2 });
    await d.updateWake('w2', { status: 'failed', attempts: 1, reason: 'BadDeviceToken' });
    await d.markWakesAnswered('alice.phones.acme', T0 + 9);
    const wakes = await d.wakes('alice.phones.acme', 10);
    assert.deepEqual(
      wakes.map((w) => [w.id, w.status, w.checkinAt, w.reason]),
      [
        ['w2', 'failed', null, 'BadDeviceToken'],
        ['w1', 'sent', T0 + 9, null],
      ],
    );
  });

  it('finds the devices of a platform with a push channel among many ids, in chunks', async () => {
    const d = store().devices;
    await d.createEnrollmentToken({
      id: 't-wake-android',
      tokenHash: 'wake-android-token',
      groupId: 'phones.acme',
      platform: 'android',
      expiresAt: null,
      createdAt: T0,
    });
    await d.enrollDevice(enrollment('ios-token', 'wake-quiet', { pushChannel: null }));
    await d.enrollDevice(
      enrollment('wake-android-token', 'wake-droid', { platform: 'android', pushChannel: null }),
    );
    // More ids than one statement takes (1,000 per chunk), the pushable ones in different chunks.
    const ids = [
      'alice.phones.acme',
      ...Array.from({ length: 2100 }, (_, i) => `ghost-${i}.phones.acme`),
      'wake-quiet.phones.acme',
      'wake-droid.phones.acme',
      'alice-2.phones.acme',
    ];
    const found = await d.pushableDevices(ids, 'ios');
    assert.deepEqual(found.map((x) => x.id).sort(), ['alice-2.phones.acme', 'alice.phones.acme']);
    assert.deepEqual(found[0]?.pushChannel, { kind: 'apns', token: 'ab'.repeat(32) });
    assert.deepEqual(await d.pushableDevices(['wake-droid.phones.acme'], 'android'), []);
    assert.deepEqual(await d.pushableDevices([], 'ios'), []);
  });
}
