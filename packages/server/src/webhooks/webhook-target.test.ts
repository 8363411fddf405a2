import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, MusterError } from '../domain/errors';
import type { CommandChange } from '../store/command-record';
import { sqlWebhookStore } from '../store/sql/webhooks.sql';
import type { WebhookStore } from '../store/webhook-record';
import { WebhookService, type WebhookSettings } from './webhook.service';
import { localAddressProblem, webhookLookup } from './webhook-target';
import { openWebhookTestDatabase, type WebhookTestDatabase } from './webhook-test-db';
import { startWebhookTestReceiver, type WebhookTestReceiver } from './webhook-test-receiver';

const SETTINGS: WebhookSettings = { pollMs: 1000, retryBaseMs: 10, maxAttempts: 1, requestTimeoutMs: 2000 };

const change = (orgId: string): CommandChange => ({
  id: `cmd-${orgId}`,
  targetKind: 'machine',
  targetId: `pc1.web.${orgId}`,
  orgId,
  type: 'shell',
  status: 'complete',
  at: Date.now(),
});

const LOCAL_URLS = [
  'http://127.0.0.1:8080/hook',
  'http://127.1.2.3/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/hook',
  'http://[fe80::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[::ffff:169.254.169.254]/hook',
  'http://0.0.0.0:8080/hook',
  'http://localhost:8080/hook',
  'http://LOCALHOST./hook',
  'http://api.localhost/hook',
  // WHATWG URL parsing turns these spellings into 127.0.0.1 before anything else sees them.
  'http://2130706433/hook',
  'http://0x7f.1/hook',
];

describe('webhook targets on loopback and link-local addresses', () => {
  let database: WebhookTestDatabase | undefined;
  let store: WebhookStore;
  let receiver: WebhookTestReceiver | undefined;
  const services: WebhookService[] = [];
  const service = (settings: Partial<WebhookSettings> = {}) => {
    const s = new WebhookService(store, { ...SETTINGS, ...settings }, Date.now, (error) => {
      throw error;
    });
    services.push(s);
    return s;
  };

  before(async () => {
    database = await openWebhookTestDatabase('sqlite');
    store = sqlWebhookStore(database.db, database.dialect);
  });
  after(async () => {
    for (const s of services) await s.stop();
    await receiver?.close();
    await database?.cleanup();
  });

  it('are refused when set, naming the setting that allows them, and nothing is stored', async () => {
    const webhooks = service();
    for (const url of LOCAL_URLS) {
      await assert.rejects(
        webhooks.configure('acme', { url }),
        (error: unknown) =>
          error instanceof MusterError &&
          error.code === ErrorCode.invalidInput &&
          /loopback or link-local|own host/.test(error.message) &&
          error.message.includes('MUSTER_WEBHOOK_ALLOW_LOCAL'),
        url,
      );
    }
    await assert.rejects(webhooks.get('acme'), (error: unknown) => error instanceof MusterError);
    // Private networks and public names stay allowed: receivers often live there.
    for (const url of ['https://hooks.example.com/muster', 'http://10.0.0.5/hook', 'http://[fd00::5]/h']) {
      assert.equal((await webhooks.configure('acme', { url })).url, url);
    }
  });

  it('are accepted when the administrator allows them', async () => {
    const webhooks = service({ allowLocal: true });
    for (const url of LOCAL_URLS) {
      assert.equal((await webhooks.configure('allowed', { url })).org, 'allowed');
    }
  });

  it('are not sent to at delivery time, also when a name resolves to them', async () => {
    receiver = await startWebhookTestReceiver();
    const port = new URL(receiver.url).port;
    // Stored while allowed (or before the setting existed), then sent by a server that refuses.
    const allowing = service({ allowLocal: true });
    await allowing.configure('byname', { url: `http://localhost:${port}/hook` });
    await allowing.configure('byaddress', { url: receiver.url });
    const refusing = service();
    assert.equal(await refusing.onCommandChanges([change('byname'), change('byaddress')]), 2);
    assert.equal(await refusing.runOnce(), 2);
    assert.equal(receiver.receipts.length, 0, 'the receiver on loopback got nothing');
    const dead = await refusing.deadLetters();
    assert.equal(dead.length, 2);
    const errorOf = (org: string) => dead.find((d) => d.org === org)?.lastError ?? '';
    assert.match(errorOf('byname'), /localhost resolves to (127\.0\.0\.1|::1) is a loopback or link-local/);
    assert.match(errorOf('byaddress'), /127\.0\.0\.1 is a loopback or link-local address/);

    // The same deliveries reach the receiver once allowed: the refusal was the only obstacle.
    for (const d of dead) await allowing.retry(d.id);
    assert.equal(await allowing.runOnce(), 2);
    assert.equal(receiver.receipts.length, 2);
  });

  it('judges literal addresses, and the lookup refuses a name resolving to loopback', async () => {
    assert.equal(localAddressProblem('192.0.2.1'), null);
    assert.equal(localAddressProblem('not an address'), null);
    const refused = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      webhookLookup('localhost', {}, (error) => resolve(error)),
    );
    assert.equal(refused?.code, 'EWEBHOOKLOCAL');
  });
});
