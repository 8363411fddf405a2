import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandRecord } from '../store/command-record';
import type { DeviceEnrollment } from '../store/device-record';
import type { DeviceStore, StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile, type TestSqliteFile } from '../test-support/sqlite';
import { DeviceService } from './device.service';
import { DeviceWakeService } from './device-wake.service';
import type { WakeMessage, WakeOutcome, WakeProvider, WakeTarget } from './push/wake-provider';

const T0 = 1_900_000_000_000;

/** An APNs provider that records whom it was asked to wake and answers "sent". */
class RecordingApns implements WakeProvider {
  readonly channel = 'apns';
  readonly woken: string[] = [];
  async wake(target: WakeTarget, _message: WakeMessage): Promise<WakeOutcome> {
    this.woken.push(target.deviceId);
    return { status: 'sent', attempts: 1 };
  }
  async close(): Promise<void> {}
}

/** A pending command of `type` for one device. */
function command(targetId: string, type: string, seq: number): CommandRecord {
  return {
    seq,
    id: `c${seq}`,
    orgId: 'acme',
    targetKind: 'device',
    targetId,
    groupId: 'phones.acme',
    type,
    params: {},
    status: 'pending',
    priority: 0,
    attempts: 0,
    maxAttempts: 3,
    leaseExpiresAt: null,
    expiresAt: null,
    idempotencyKey: null,
    createdAt: T0,
    updatedAt: T0,
    finishedAt: null,
    exitCode: null,
    output: null,
    error: null,
    createdBy: null,
  };
}

function enrollment(tokenHash: string, name: string, fields: Partial<DeviceEnrollment>): DeviceEnrollment {
  return {
    tokenHash,
    now: T0,
    name,
    platform: 'android',
    publicKey: `key-${name}`,
    guid: crypto.randomUUID(),
    model: 'phone',
    osVersion: '1',
    batteryPercent: 50,
    pushChannel: null,
    ...fields,
  };
}

describe('DeviceService.queued: push-capable commands wake iOS devices', () => {
  let file: TestSqliteFile;
  let store: StoreBackend;
  const androids = Array.from({ length: 1500 }, (_, i) => `droid-${i}.phones.acme`);
  before(async () => {
    file = createTestSqliteFile();
    store = await openSqlStore({ sqliteFile: file.file });
    await store.groups.ensureGroup('phones.acme', T0);
    for (const platform of ['ios', 'android'] as const) {
      await store.devices.createEnrollmentToken({
        id: platform,
        tokenHash: `${platform}-token`,
        groupId: 'phones.acme',
        platform,
        expiresAt: null,
        createdAt: T0,
      });
    }
    const apns = { kind: 'apns' as const, token: 'ab'.repeat(32) };
    await store.devices.enrollDevice(
      enrollment('ios-token', 'iphone', { platform: 'ios', pushChannel: apns }),
    );
    await store.devices.enrollDevice(enrollment('ios-token', 'quiet', { platform: 'ios' }));
    for (const id of androids)
      await store.devices.enrollDevice(enrollment('android-token', id.split('.')[0] ?? id, {}));
  });
  after(async () => {
    await store.close();
    file.cleanup();
  });

  /** The service on the real store, with the store's single-device lookups counted. */
  function serviceCounting(apns: RecordingApns): { service: DeviceService; lookups: () => number } {
    let lookups = 0;
    const counted: DeviceStore = new Proxy(store.devices, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name !== 'findDevice' || typeof value !== 'function') return value;
        return (...args: Parameters<DeviceStore['findDevice']>) => {
          lookups++;
          return target.findDevice(...args);
        };
      },
    });
    const wakes = new DeviceWakeService(counted, { apns }, () => T0, assert.ifError);
    const service = new DeviceService(
      counted,
      store.groups,
      wakes,
      () => 'node-1',
      () => T0,
      assert.ifError,
    );
    return { service, lookups: () => lookups };
  }

  it('wakes only the iOS device with a push channel, without a lookup per target', async () => {
    const apns = new RecordingApns();
    const { service, lookups } = serviceCounting(apns);
    const targets = ['iphone.phones.acme', 'quiet.phones.acme', ...androids];
    await service.queued(targets.map((id, i) => command(id, 'locate', i + 1)));
    assert.deepEqual(await waitForWakes(apns, 1), ['iphone.phones.acme']);
    // One query per device made 100,000 Android targets take seconds (scale-20000.md).
    assert.equal(lookups(), 0, 'the targets are read in chunks, not one by one');
    const logged = await store.devices.wakes('iphone.phones.acme', 10);
    assert.equal(logged[0]?.channel, 'apns');
  });

  it('a command devices cannot be woken for sends nothing', async () => {
    const apns = new RecordingApns();
    const { service } = serviceCounting(apns);
    await service.queued([command('iphone.phones.acme', 'sync', 1)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(apns.woken, []);
  });
});

/** The provider sends in the background: waits until it has been asked `count` times. */
async function waitForWakes(apns: RecordingApns, count: number): Promise<string[]> {
  for (let i = 0; i < 200 && apns.woken.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return apns.woken;
}
