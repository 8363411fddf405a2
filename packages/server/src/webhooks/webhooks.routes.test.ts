import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Principal } from '../access/principal';
import { registerErrorHandling } from '../http/error-handler';
import { registerComponents } from '../http/openapi-components';
import { registerRoutePermissions } from '../http/route-permission';
import type { CommandChange } from '../store/command-record';
import { sqlWebhookStore } from '../store/sql/webhooks.sql';
import { masterPrincipal } from '../test-support/test-principals';
import { WebhookService } from './webhook.service';
import { openWebhookTestDatabase, type WebhookTestDatabase } from './webhook-test-db';
import { webhookRoutes } from './webhooks.routes';

const change: CommandChange = {
  id: 'cmd-1',
  targetKind: 'machine',
  targetId: 'pc1.web.acme',
  orgId: 'acme',
  type: 'shell',
  status: 'failed',
  at: Date.now(),
};

/** A port nothing listens on (any more). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('webhook routes', () => {
  let database: WebhookTestDatabase | undefined;
  let service: WebhookService;
  const app = Fastify({
    // fetch keeps connections alive; closing them with the server lets the test process exit at once.
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  let base = '';

  before(async () => {
    database = await openWebhookTestDatabase('sqlite');
    service = new WebhookService(
      sqlWebhookStore(database.db, database.dialect),
      // The test URLs are on loopback, which webhooks may reach only when allowed.
      { pollMs: 1000, retryBaseMs: 10, maxAttempts: 1, requestTimeoutMs: 1000, allowLocal: true },
      Date.now,
      (error) => {
        throw error;
      },
    );
    registerErrorHandling(app);
    // The routes ask the caller's scope; here every request is the master's.
    app.decorateRequest('principal', null as unknown as Principal);
    app.addHook('onRequest', async (request) => {
      request.principal = masterPrincipal();
    });
    registerRoutePermissions(app);
    registerComponents(app);
    await app.register(async (api) => webhookRoutes(api.withTypeProvider<TypeBoxTypeProvider>(), service), {
      prefix: '/api/v1',
    });
    base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/v1`;
  });
  after(async () => {
    await app.close();
    await service?.stop();
    await database?.cleanup();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };

  it('sets, shows and removes an organization webhook', async () => {
    // A port just freed refuses connections, so the one attempt fails and leaves a dead letter.
    const url = `http://127.0.0.1:${await freePort()}/hook`;
    const put = await call('PUT', '/organizations/acme/webhook', { url });
    assert.equal(put.status, 200);
    assert.equal(put.body?.org, 'acme');
    assert.equal(put.body?.enabled, true);
    assert.match(String(put.body?.secret), /^[0-9a-f]{64}$/);
    const replaced = await call('PUT', '/organizations/acme/webhook', {
      url,
      secret: 'a-secret-the-admin-chose',
      enabled: true,
    });
    assert.deepEqual(replaced.body, { org: 'acme', url, enabled: true });
    const got = await call('GET', '/organizations/acme/webhook');
    assert.equal(got.status, 200);
    assert.equal(got.body?.hasSecret, true);
    assert.equal(got.body?.secret, undefined);
    assert.match(String(got.body?.createdAt), /^\d{4}-\d\d-\d\dT/);

    assert.equal((await call('PUT', '/organizations/acme/webhook', { url: 'ftp://x/y' })).status, 400);
    const extra = await call('PUT', '/organizations/acme/webhook', { url: 'http://x/', other: 1 });
    assert.equal(extra.status, 400);
    assert.equal((extra.body?.error as { code: string } | undefined)?.code, 'invalid-input');
    assert.equal((await call('GET', '/organizations/beta/webhook')).status, 404);

    assert.equal(await service.onCommandChanges([change]), 1);
    await service.runOnce();
    const dead = await call('GET', '/webhooks/dead-letters?org=acme');
    assert.equal(dead.status, 200);
    const items = dead.body?.items as Array<Record<string, unknown>>;
    assert.equal(items.length, 1);
    const [item] = items;
    assert.deepEqual(Object.keys(item ?? {}).sort(), [
      'attempts',
      'createdAt',
      'event',
      'id',
      'lastError',
      'org',
    ]);
    assert.equal(item?.org, 'acme');
    assert.equal(item?.attempts, 1);
    assert.match(String(item?.lastError), /ECONNREFUSED/);
    assert.equal((item?.event as { command: { id: string } } | undefined)?.command.id, 'cmd-1');
    assert.deepEqual((await call('GET', '/webhooks/dead-letters?org=beta')).body, { items: [] });

    const retried = await call('POST', `/webhooks/dead-letters/${String(item?.id)}/retry`);
    assert.deepEqual(retried, { status: 200, body: { id: item?.id, status: 'pending' } });
    assert.equal((await call('POST', `/webhooks/dead-letters/${String(item?.id)}/retry`)).status, 404);
    assert.deepEqual((await call('GET', '/webhooks/dead-letters')).body, { items: [] });

    assert.equal((await call('DELETE', '/organizations/acme/webhook')).status, 204);
    assert.equal((await call('DELETE', '/organizations/acme/webhook')).status, 404);
    assert.equal((await call('GET', '/organizations/acme/webhook')).status, 404);
  });
});
