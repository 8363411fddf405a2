import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CommandChange } from '../store/command-record';
import { sqlWebhookStore } from '../store/sql/webhooks.sql';
import type { WebhookStore } from '../store/webhook-record';
import { WebhookService, type WebhookSettings } from './webhook.service';
import type { CommandStatusWebhookEvent } from './webhook-event';
import { openWebhookTestDatabase, type WebhookTestDatabase } from './webhook-test-db';
import { startWebhookTestReceiver, type WebhookTestReceiver } from './webhook-test-receiver';

// The receivers run on loopback, which webhooks may reach only when allowed.
const FAST: WebhookSettings = {
  pollMs: 10,
  retryBaseMs: 20,
  maxAttempts: 8,
  requestTimeoutMs: 2000,
  allowLocal: true,
};
const SECRET = 'a-shared-secret-of-some-length';

let seq = 0;
const change = (orgId: string, status: CommandChange['status'] = 'complete'): CommandChange => ({
  id: `cmd-${++seq}`,
  targetKind: 'machine',
  targetId: 'pc1.web.acme',
  orgId,
  type: 'shell',
  status,
  at: Date.now(),
});

/** Polls `check` until it holds, failing after `timeoutMs`. */
async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Ids of the deliveries the store holds, any status. */
async function deliveryIds(database: WebhookTestDatabase): Promise<string[]> {
  return (await database.db.selectFrom('webhook_deliveries').select('id').execute()).map((r) => r.id);
}

describe('webhook service (SQLite)', () => {
  let database: WebhookTestDatabase | undefined;
  let store: WebhookStore;
  let receiver: WebhookTestReceiver;
  const errors: unknown[] = [];
  const services: WebhookService[] = [];
  const service = (settings: Partial<WebhookSettings> = {}) => {
    const s = new WebhookService(store, { ...FAST, ...settings }, Date.now, (e) => errors.push(e));
    services.push(s);
    return s;
  };

  before(async () => {
    database = await openWebhookTestDatabase('sqlite');
    store = sqlWebhookStore(database.db, database.dialect);
  });
  after(async () => {
    await database?.cleanup();
  });
  beforeEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await receiver?.close();
    receiver = await startWebhookTestReceiver(SECRET);
    if (!database) throw new Error('the database was not opened (its before hook failed)');
    await database.db.deleteFrom('webhook_deliveries').execute();
    await database.db.deleteFrom('webhooks').execute();
    errors.length = 0;
  });
  after(async () => {
    for (const s of services.splice(0)) await s.stop();
    await receiver?.close();
  });

  it('delivers a signed event at once, with a generated secret shown only once', async () => {
    const webhooks = service();
    const configured = await webhooks.configure('ACME', { url: receiver.url });
    assert.equal(configured.org, 'acme');
    assert.equal(configured.enabled, true);
    assert.match(configured.secret ?? '', /^[0-9a-f]{64}$/, 'a 32-byte secret is generated');
    receiver.secret = configured.secret ?? '';
    const view = await webhooks.get('acme');
    assert.deepEqual(
      { ...view, createdAt: 0 },
      {
        org: 'acme',
        url: receiver.url,
        enabled: true,
        hasSecret: true,
        createdAt: 0,
      },
    );
    assert.equal('secret' in view, false);
    const again = await webhooks.configure('acme', { url: receiver.url });
    assert.equal(again.secret, undefined, 'reconfiguring keeps the secret and does not show it');

    const c = change('acme', 'processing');
    assert.equal(await webhooks.onCommandChanges([c, change('other')]), 1);
    assert.equal(await webhooks.runOnce(), 1);
    assert.equal(receiver.receipts.length, 1);
    const [receipt] = receiver.receipts;
    assert.ok(receipt?.verified, 'the receiver verifies the HMAC with the shared secret');
    assert.equal(receipt.event, 'command.status');
    const body = JSON.parse(receipt.body) as CommandStatusWebhookEvent;
    assert.deepEqual(body, {
      id: receipt.deliveryId,
      type: 'command.status',
      occurredAt: new Date(c.at).toISOString(),
      command: {
        id: c.id,
        target: 'pc1.web.acme',
        targetKind: 'machine',
        type: 'shell',
        status: 'processing',
      },
    });
    assert.ok(Math.abs(Number(receipt.timestamp) - Date.now()) < 5000, 'the timestamp is epoch ms');
    const stored = await store.getDelivery(receipt.deliveryId);
    assert.equal(stored?.status, 'delivered');
    assert.equal(stored?.attempts, 1);
    assert.equal(await webhooks.runOnce(), 0, 'nothing left to send');
    assert.deepEqual(errors, []);
  });

  it('retries a failing receiver with backoff until it answers 2xx', async () => {
    const webhooks = service();
    await webhooks.configure('acme', { url: receiver.url, secret: SECRET });
    receiver.respond = (i) => (i < 2 ? 500 : 200);
    await webhooks.onCommandChanges([change('acme')]);
    webhooks.start();
    await waitFor('the delivery', () => receiver.receipts.some((r) => r.status === 200));
    assert.deepEqual(
      receiver.receipts.map((r) => r.status),
      [500, 500, 200],
    );
    const ids = new Set(receiver.receipts.map((r) => r.deliveryId));
    assert.equal(ids.size, 1, 'every attempt carries the same delivery id');
    assert.equal(new Set(receiver.receipts.map((r) => r.body)).size, 1, 'and the same body');
    const [id] = ids;
    await waitFor(
      'the delivered mark',
      async () => (await store.getDelivery(id ?? ''))?.status === 'delivered',
    );
    assert.equal((await store.getDelivery(id ?? ''))?.attempts, 3);
    assert.deepEqual(errors, []);
  });

  it('turns a delivery dead after maxAttempts and sends it again on retry', async () => {
    const webhooks = service({ maxAttempts: 3 });
    await webhooks.configure('acme', { url: receiver.url, secret: SECRET });
    receiver.respond = () => 500;
    await webhooks.onCommandChanges([change('acme')]);
    webhooks.start();
    await waitFor('the dead letter', async () => (await webhooks.deadLetters()).length === 1);
    assert.equal(receiver.receipts.length, 3);
    const [dead] = await webhooks.deadLetters('acme');
    assert.equal(dead?.org, 'acme');
    assert.equal(dead?.attempts, 3);
    assert.equal(dead?.lastError, 'HTTP 500: answer 500');
    assert.equal(dead?.event.type, 'command.status');
    assert.equal(dead?.event.id, dead?.id);
    assert.deepEqual(await webhooks.deadLetters('beta'), []);

    await webhooks.stop();
    receiver.respond = () => 200;
    await webhooks.retry(dead?.id ?? '');
    assert.equal((await store.getDelivery(dead?.id ?? ''))?.status, 'pending');
    await assert.rejects(webhooks.retry(dead?.id ?? ''), { code: 'not-found' });
    const resumed = service({ maxAttempts: 3 });
    resumed.start();
    await waitFor(
      'the retried delivery',
      async () => (await store.getDelivery(dead?.id ?? ''))?.status === 'delivered',
    );
    assert.deepEqual(
      receiver.receipts.map((r) => r.status),
      [500, 500, 500, 200],
    );
    assert.deepEqual(await webhooks.deadLetters(), []);
    assert.deepEqual(errors, []);
  });

  it('queues nothing for a disabled webhook and drops what was queued before it was disabled', async () => {
    const webhooks = service();
    await webhooks.configure('acme', { url: receiver.url, secret: SECRET });
    assert.equal(await webhooks.onCommandChanges([change('acme')]), 1);
    const disabled = await webhooks.configure('acme', { url: receiver.url, enabled: false });
    assert.deepEqual(disabled, { org: 'acme', url: receiver.url, enabled: false });
    assert.equal(await webhooks.onCommandChanges([change('acme'), change('acme')]), 0);
    assert.equal(await webhooks.runOnce(), 1);
    assert.equal(receiver.receipts.length, 0, 'a disabled webhook gets no requests');
    const [dead] = await webhooks.deadLetters('acme');
    assert.equal(dead?.lastError, 'the webhook is disabled');
    assert.equal((await deliveryIds(database as WebhookTestDatabase)).length, 1);
    assert.deepEqual(errors, []);
  });

  it('signs with the configured secret, so a receiver with another secret rejects the request', async () => {
    const webhooks = service({ maxAttempts: 1 });
    await webhooks.configure('acme', { url: receiver.url, secret: 'not-the-receivers-secret' });
    await webhooks.onCommandChanges([change('acme')]);
    await webhooks.runOnce();
    assert.equal(receiver.receipts.length, 1);
    assert.equal(receiver.receipts[0]?.verified, false);
    const [dead] = await webhooks.deadLetters();
    assert.equal(dead?.lastError, 'HTTP 401: bad signature');
  });

  it('records a network error as the failure', async () => {
    const webhooks = service({ maxAttempts: 1 });
    await webhooks.configure('acme', { url: receiver.url, secret: SECRET });
    await receiver.close();
    await webhooks.onCommandChanges([change('acme')]);
    await webhooks.runOnce();
    const [dead] = await webhooks.deadLetters();
    assert.match(dead?.lastError ?? '', /ECONNREFUSED/);
  });

  it('caches the enabled webhooks briefly, so another node sees a new webhook within the cache time', async () => {
    const node1 = service({ configCacheMs: 200 });
    const node2 = service({ configCacheMs: 200 });
    assert.equal(await node2.onCommandChanges([change('acme')]), 0);
    await node1.configure('acme', { url: receiver.url, secret: SECRET });
    assert.equal(await node2.onCommandChanges([change('acme')]), 0, 'served from the cache');
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await node2.onCommandChanges([change('acme')]), 1);
  });

  it('validates the configuration and reports unknown webhooks', async () => {
    const webhooks = service();
    await assert.rejects(webhooks.configure('acme', { url: 'ftp://example.com/x' }), {
      code: 'invalid-input',
    });
    await assert.rejects(webhooks.configure('acme', { url: 'not a url' }), { code: 'invalid-input' });
    await assert.rejects(webhooks.configure('acme', { url: receiver.url, secret: 'short' }), {
      code: 'invalid-input',
    });
    await assert.rejects(webhooks.configure('web.acme', { url: receiver.url }), { code: 'invalid-input' });
    await assert.rejects(webhooks.get('acme'), { code: 'not-found' });
    await assert.rejects(webhooks.remove('acme'), { code: 'not-found' });
    await assert.rejects(webhooks.retry('missing'), { code: 'not-found' });
    await webhooks.configure('acme', { url: receiver.url, secret: SECRET });
    await webhooks.onCommandChanges([change('acme')]);
    await webhooks.remove('acme');
    assert.deepEqual(await deliveryIds(database as WebhookTestDatabase), [], 'queued deliveries go with it');
    assert.equal(await webhooks.onCommandChanges([change('acme')]), 0);
  });
});

describe('webhook service (two nodes on PostgreSQL)', () => {
  let database: WebhookTestDatabase | undefined;
  let receiver: WebhookTestReceiver | undefined;
  before(async () => {
    database = await openWebhookTestDatabase('postgres');
    receiver = await startWebhookTestReceiver(SECRET);
  });
  after(async () => {
    await receiver?.close();
    await database?.cleanup();
  });

  it('never sends the same delivery from both dispatchers', async () => {
    if (!database || !receiver) throw new Error('the database or receiver did not start');
    const hook = receiver;
    // A second connection pool on the same database stands in for the second server node.
    const second = database.connectAgain();
    const errors: unknown[] = [];
    const nodes = [database.db, second.db].map(
      (db) =>
        new WebhookService(
          sqlWebhookStore(db, 'postgres'),
          { ...FAST, pollMs: 5, concurrency: 16 },
          Date.now,
          (e) => errors.push(e),
        ),
    );
    const [node1, node2] = nodes as [WebhookService, WebhookService];
    try {
      await node1.configure('acme', { url: hook.url, secret: SECRET });
      // A slow receiver keeps attempts of both nodes overlapping, when a double send could happen.
      hook.delayMs = 15;
      assert.equal(await node1.onCommandChanges(Array.from({ length: 200 }, () => change('acme'))), 200);
      node1.start();
      node2.start();
      await waitFor('every delivery', () => hook.receipts.length >= 200, 15_000);
      // Any duplicate would arrive within a poll or two.
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await node1.stop();
      await node2.stop();
      await second.close();
    }
    const counts = new Map<string, number>();
    for (const r of hook.receipts) counts.set(r.deliveryId, (counts.get(r.deliveryId) ?? 0) + 1);
    assert.equal(counts.size, 200);
    assert.deepEqual(
      [...counts.entries()].filter(([, n]) => n !== 1),
      [],
      'no delivery sent twice',
    );
    assert.ok(hook.receipts.every((r) => r.verified));
    const pending = await database.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '!=', 'delivered')
      .execute();
    assert.deepEqual(pending, []);
    assert.deepEqual(errors, []);
  });
});
