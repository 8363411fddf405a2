import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewWebhookDelivery } from '../webhook-record';
import type { StoreRef } from './store-conformance';

// Times past 2^32 ms catch a time column too narrow for Date.now() or read back as a string.
const T0 = 1_900_000_000_000;

const delivery = (id: string, orgId: string, at: number): NewWebhookDelivery => ({
  id,
  orgId,
  event: JSON.stringify({ id, type: 'command.status' }),
  createdAt: at,
  nextAttemptAt: at,
});

/** Webhooks: create, replace, list, delete (deliveries go with the webhook). */
export function webhookEndpointTests(store: StoreRef): void {
  it('creates, replaces, lists and deletes webhooks', async () => {
    assert.equal(await store().webhooks.getWebhook('acme'), null);
    await store().webhooks.putWebhook({
      orgId: 'acme',
      url: 'https://a.example/h',
      secret: 's1',
      enabled: true,
      createdAt: T0,
    });
    await store().webhooks.putWebhook({
      orgId: 'beta',
      url: 'http://b.example/h',
      secret: 's2',
      enabled: false,
      createdAt: T0,
    });
    await store().webhooks.putWebhook({
      orgId: 'acme',
      url: 'https://a.example/h2',
      secret: 's3',
      enabled: true,
      createdAt: T0 + 5,
    });
    assert.deepEqual(await store().webhooks.getWebhook('acme'), {
      orgId: 'acme',
      url: 'https://a.example/h2',
      secret: 's3',
      enabled: true,
      createdAt: T0,
    });
    assert.deepEqual(
      (await store().webhooks.listEnabled()).map((w) => w.orgId),
      ['acme'],
    );
    await store().webhooks.enqueueDeliveries([delivery('d1', 'acme', T0), delivery('d2', 'beta', T0)]);
    assert.equal(await store().webhooks.deleteWebhook('acme'), true);
    assert.equal(await store().webhooks.deleteWebhook('acme'), false);
    assert.equal(await store().webhooks.getWebhook('acme'), null);
    assert.equal(await store().webhooks.getDelivery('d1'), null, "the organization's deliveries go with it");
    assert.notEqual(await store().webhooks.getDelivery('d2'), null);
  });
}

/** Webhook deliveries: claimed when due, oldest first, once per lease. */
export function webhookClaimTests(store: StoreRef): void {
  it('claims due pending deliveries oldest first, once per lease', async () => {
    await store().webhooks.enqueueDeliveries([
      delivery('late', 'acme', T0 + 10_000),
      delivery('second', 'acme', T0 + 2),
      delivery('first', 'acme', T0 + 1),
      delivery('third', 'acme', T0 + 3),
    ]);
    const claimed = await store().webhooks.claimDue(T0 + 100, 2, 60_000);
    assert.deepEqual(
      claimed.map((d) => [d.id, d.attempts, d.nextAttemptAt, d.status]),
      [
        ['first', 1, T0 + 60_100, 'pending'],
        ['second', 1, T0 + 60_100, 'pending'],
      ],
    );
    assert.deepEqual(
      (await store().webhooks.claimDue(T0 + 100, 10, 60_000)).map((d) => d.id),
      ['third'],
    );
    assert.deepEqual(
      await store().webhooks.claimDue(T0 + 200, 10, 60_000),
      [],
      'claimed rows stay hidden for the lease',
    );
    const again = await store().webhooks.claimDue(T0 + 60_100, 10, 60_000);
    assert.deepEqual(
      again.map((d) => [d.id, d.attempts]),
      [
        ['first', 2],
        ['second', 2],
        ['third', 2],
        ['late', 1],
      ],
      'a lease that ran out (a claimer that died) makes the delivery due again',
    );
  });
}

/** Webhook deliveries: marked delivered, and old delivered rows purged. */
export function webhookDeliveredTests(store: StoreRef): void {
  it('marks deliveries delivered and purges old delivered rows', async () => {
    await store().webhooks.enqueueDeliveries([delivery('d1', 'acme', T0), delivery('d2', 'acme', T0)]);
    await store().webhooks.claimDue(T0, 10, 1000);
    await store().webhooks.markDelivered('d1', T0 + 50);
    const row = await store().webhooks.getDelivery('d1');
    assert.equal(row?.status, 'delivered');
    assert.equal(row?.deliveredAt, T0 + 50);
    assert.deepEqual(
      (await store().webhooks.claimDue(T0 + 5000, 10, 1000)).map((d) => d.id),
      ['d2'],
    );
    assert.equal(await store().webhooks.deleteDeliveredBefore(T0 + 50, 10), 0);
    assert.equal(await store().webhooks.deleteDeliveredBefore(T0 + 51, 10), 1);
    assert.equal(await store().webhooks.getDelivery('d1'), null);
    assert.notEqual(await store().webhooks.getDelivery('d2'), null, 'pending rows are never purged');
  });
}

/** Webhook deliveries: failures rescheduled, the last one dead, dead letters retried. */
export function webhookFailureTests(store: StoreRef): void {
  it('reschedules failures, turns the last one dead and retries dead letters', async () => {
    await store().webhooks.enqueueDeliveries([
      delivery('a1', 'acme', T0),
      delivery('a2', 'acme', T0 + 1),
      delivery('b1', 'beta', T0 + 2),
    ]);
    await store().webhooks.claimDue(T0 + 10, 10, 1000);
    await store().webhooks.markFailed('a1', 'HTTP 500', T0 + 500);
    await store().webhooks.markFailed('a2', 'HTTP 502: bad gateway', null);
    await store().webhooks.markFailed('b1', 'ECONNREFUSED', null);
    const a1 = await store().webhooks.getDelivery('a1');
    assert.deepEqual([a1?.status, a1?.lastError, a1?.nextAttemptAt], ['pending', 'HTTP 500', T0 + 500]);
    assert.deepEqual(
      (await store().webhooks.claimDue(T0 + 500, 10, 1000)).map((d) => [d.id, d.attempts]),
      [['a1', 2]],
      'dead deliveries are not claimed',
    );
    assert.deepEqual(
      (await store().webhooks.listDeadLetters(null, 10)).map((d) => [
        d.id,
        d.orgId,
        d.status,
        d.attempts,
        d.lastError,
      ]),
      [
        ['b1', 'beta', 'dead', 1, 'ECONNREFUSED'],
        ['a2', 'acme', 'dead', 1, 'HTTP 502: bad gateway'],
      ],
    );
    assert.deepEqual(
      (await store().webhooks.listDeadLetters('acme', 10)).map((d) => d.id),
      ['a2'],
    );
    assert.equal((await store().webhooks.listDeadLetters(null, 1)).length, 1);
    assert.equal(await store().webhooks.retryDeadLetter('a2', T0 + 900), true);
    assert.equal(
      await store().webhooks.retryDeadLetter('a2', T0 + 900),
      false,
      'only a dead delivery can be retried',
    );
    assert.equal(await store().webhooks.retryDeadLetter('a1', T0 + 900), false);
    assert.equal(await store().webhooks.retryDeadLetter('missing', T0 + 900), false);
    const retried = await store().webhooks.claimDue(T0 + 900, 10, 1000);
    assert.deepEqual(
      retried.map((d) => [d.id, d.attempts, d.lastError]),
      [['a2', 1, 'HTTP 502: bad gateway']],
      'a retried dead letter starts its attempts afresh and keeps the last error until it succeeds',
    );
  });
}

/** Webhook deliveries: more rows than one INSERT holds. */
export function webhookBulkTests(store: StoreRef): void {
  it('enqueues more rows than fit one insert statement', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => delivery(`bulk-${i}`, 'acme', T0 + i));
    await store().webhooks.enqueueDeliveries(rows);
    assert.equal((await store().webhooks.claimDue(T0 + 10_000, 5000, 1000)).length, 2500);
  });
}

/** Webhook deliveries: concurrent claims never hand a delivery out twice. */
export function webhookConcurrentClaimTests(store: StoreRef): void {
  it('splits concurrent claims without handing out a delivery twice', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => delivery(`c-${i}`, 'acme', T0));
    await store().webhooks.enqueueDeliveries(rows);
    const batches = await Promise.all(
      Array.from({ length: 8 }, () => store().webhooks.claimDue(T0, 30, 60_000)),
    );
    const ids = batches.flat().map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, 'no delivery claimed twice');
    assert.equal(ids.length, 200);
  });
}
