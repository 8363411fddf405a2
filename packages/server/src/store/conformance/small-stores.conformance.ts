import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

/** Conformance tests of one store interface. */
export function policyStoreTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('eu.web.acme', T0);
    await store().groups.ensureGroup('db.acme', T0);
  });

  it('stores, overwrites and returns policies of the groups that have one', async () => {
    const s = store();
    assert.deepEqual(await s.policies.policiesOf(['web.acme', 'eu.web.acme']), new Map());
    await s.policies.putPolicy('web.acme', { minSeconds: 10, maxSeconds: 600 });
    await s.policies.putPolicy('db.acme', { minSeconds: 1, maxSeconds: 86_400 });
    assert.deepEqual(
      await s.policies.policiesOf(['eu.web.acme', 'web.acme', 'unknown.acme']),
      new Map([['web.acme', { minSeconds: 10, maxSeconds: 600 }]]),
    );
    await s.policies.putPolicy('web.acme', { minSeconds: 30, maxSeconds: 60 });
    await s.policies.putPolicy('eu.web.acme', { minSeconds: 5, maxSeconds: 5 });
    assert.deepEqual(
      await s.policies.policiesOf(['eu.web.acme', 'web.acme', 'db.acme']),
      new Map([
        ['eu.web.acme', { minSeconds: 5, maxSeconds: 5 }],
        ['web.acme', { minSeconds: 30, maxSeconds: 60 }],
        ['db.acme', { minSeconds: 1, maxSeconds: 86_400 }],
      ]),
    );
  });

  it('returns an empty map for no groups', async () => {
    assert.deepEqual(await store().policies.policiesOf([]), new Map());
  });
}

/** Conformance tests of one store interface. */
export function notificationStoreTests(store: StoreRef): void {
  it('adds a notification once per dedupe key', async () => {
    const s = store();
    const first = {
      type: 'dedupe',
      machineId: 'pc1.web.acme',
      message: 'first',
      createdAt: T0,
      dedupeKey: 'k1',
    };
    assert.equal(await s.notifications.addNotification(first), true);
    assert.equal(
      await s.notifications.addNotification({ ...first, message: 'second', createdAt: T0 + 1 }),
      false,
    );
    const listed = await s.notifications.listNotifications('dedupe');
    assert.equal(listed.length, 1);
    const [only] = listed;
    assert.equal(typeof only?.id, 'number');
    assert.deepEqual(only, {
      id: only?.id,
      type: 'dedupe',
      machineId: 'pc1.web.acme',
      message: 'first',
      createdAt: T0,
    });
  });

  it('lists newest first, optionally by type', async () => {
    const s = store();
    const add = (type: string, message: string, at: number, machineId: string | null) =>
      s.notifications.addNotification({
        type,
        machineId,
        message,
        createdAt: at,
        dedupeKey: `list-${message}`,
      });
    assert.equal(await add('offline', 'a', T0 + 10, 'a.web.acme'), true);
    assert.equal(await add('account-taken', 'b', T0 + 20, null), true);
    assert.equal(await add('offline', 'c', T0 + 30, 'c.web.acme'), true);

    const all = await s.notifications.listNotifications();
    assert.deepEqual(
      all.slice(0, 3).map((n) => [n.type, n.message, n.machineId, n.createdAt]),
      [
        ['offline', 'c', 'c.web.acme', T0 + 30],
        ['account-taken', 'b', null, T0 + 20],
        ['offline', 'a', 'a.web.acme', T0 + 10],
      ],
    );
    for (let i = 1; i < all.length; i++) assert.ok((all[i - 1]?.id ?? 0) > (all[i]?.id ?? 0), 'ids descend');
    assert.deepEqual(
      (await s.notifications.listNotifications('offline')).map((n) => n.message),
      ['c', 'a'],
    );
    assert.deepEqual(await s.notifications.listNotifications('no-such-type'), []);
  });

  it('stores per-type on/off switches', async () => {
    const s = store();
    assert.deepEqual(await s.notifications.typeSwitches(), new Map());
    await s.notifications.setTypeEnabled('offline', false);
    assert.deepEqual(await s.notifications.typeSwitches(), new Map([['offline', false]]));
    await s.notifications.setTypeEnabled('account-taken', true);
    await s.notifications.setTypeEnabled('offline', true);
    assert.deepEqual(
      await s.notifications.typeSwitches(),
      new Map([
        ['offline', true],
        ['account-taken', true],
      ]),
    );
    await s.notifications.setTypeEnabled('account-taken', false);
    assert.equal((await s.notifications.typeSwitches()).get('account-taken'), false);
  });
}

/** Conformance tests of one store interface. */
export function identityStoreTests(store: StoreRef): void {
  it('loads nothing at first, then the saved identity, then its replacement', async () => {
    const s = store();
    assert.equal(await s.identity.loadIdentity(), null);
    const first = {
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      publicKeyDer: 'MCowBQYDK2VwAyEAfirst',
      createdAt: T0,
    };
    await s.identity.saveIdentity(first);
    assert.deepEqual(await s.identity.loadIdentity(), first);
    const second = {
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n',
      publicKeyDer: 'MCowBQYDK2VwAyEAsecond',
      createdAt: T0 + 1,
    };
    await s.identity.saveIdentity(second);
    assert.deepEqual(await s.identity.loadIdentity(), second);
  });
}
