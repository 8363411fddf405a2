import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { PERMISSIONS } from '../access/permissions';
import { Principal } from '../access/principal';
import { compileScope } from '../access/scope';
import { registerAuthentication } from '../http/authentication';
import { registerErrorHandling } from '../http/error-handler';
import { registerComponents } from '../http/openapi-components';
import { registerRoutePermissions } from '../http/route-permission';
import type { TypedApp } from '../http/typed-app';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { createTestSqliteFile } from '../test-support/sqlite';
import { auditRoutes } from './audit.routes';
import { AuditService } from './audit.service';

describe('audit log through the API (a whole server in this process)', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({}, { listen: true });
    await api.seedMachines('web.acme', ['pc1.web.acme', 'pc2.web.acme']);
    await api.seedMachines('db.initech', ['db1.db.initech']);
  });
  after(async () => {
    await api?.close();
  });

  /** The newest entry with this action. */
  const newest = async (action: string) => {
    const page = await api.call('GET', `/audit?action=${encodeURIComponent(action)}&limit=1`);
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 1, `no entry for ${action}`);
    return page.body.items[0];
  };

  it('records a queued command with who, from where, its targets and result; the command shows createdBy', async () => {
    const queued = await api.call('POST', '/commands', {
      targets: { machines: ['PC1.web.acme', 'pc2.web.acme'] },
      type: 'shell',
      params: { script: 'uptime' },
    });
    assert.equal(queued.status, 201);
    const entry = await newest('createCommand');
    assert.equal(entry.user.name, 'admin');
    assert.equal(typeof entry.user.id, 'string');
    assert.equal(entry.credential.kind, 'token');
    assert.equal(entry.address, '127.0.0.1');
    assert.deepEqual(entry.targets, { machines: ['pc1.web.acme', 'pc2.web.acme'] });
    assert.equal(entry.status, 201);
    assert.equal(entry.result, 'ok');
    assert.match(entry.hash, /^[0-9a-f]{64}$/);
    const command = await api.call('GET', `/commands/${queued.body.items[0].id}`);
    assert.equal(command.body.createdBy, 'admin');
    const listed = await api.call('GET', '/commands?target=pc2.web.acme');
    assert.equal(listed.body.items.length, 1);
    assert.equal(listed.body.items[0].createdBy, 'admin');
  });

  it('records a refused request with its status and error code', async () => {
    const refused = await api.call('POST', '/machines/nope.web.acme/suspend');
    assert.equal(refused.status, 404);
    const entry = await newest('suspendMachine');
    assert.deepEqual(entry.targets, { machines: ['nope.web.acme'] });
    assert.equal(entry.status, 404);
    assert.equal(entry.result, 'not-found');
    const invalid = await api.call('PUT', '/checkin-control', { machines: ['pc1.web.acme'], settings: {} });
    assert.equal(invalid.status, 400);
    const bad = await newest('updateCheckinControl');
    assert.equal(bad.result, 'invalid-input');
    assert.equal(bad.status, 400);
  });

  it('records settings before and after: check-in policy, notification switches, check-in control', async () => {
    const put = await api.call('PUT', '/checkin-policy/web.acme', { minSeconds: 20, maxSeconds: 600 });
    assert.equal(put.status, 200);
    const policy = await newest('setCheckinPolicy');
    assert.deepEqual(policy.targets, { groups: ['web.acme'] });
    assert.deepEqual(policy.details.settings.after, { group: 'web.acme', minSeconds: 20, maxSeconds: 600 });
    assert.notDeepEqual(policy.details.settings.before, policy.details.settings.after);

    const switches = (await api.call('GET', '/notification-settings')).body;
    const type = Object.keys(switches)[0] as string;
    const flipped = { [type]: !switches[type] };
    assert.equal((await api.call('PUT', '/notification-settings', flipped)).status, 200);
    const notifications = await newest('setNotificationSettings');
    assert.equal(notifications.details.settings.before[type], switches[type]);
    assert.equal(notifications.details.settings.after[type], !switches[type]);

    const control = await api.call('PUT', '/checkin-control', {
      filter: 'web.acme',
      settings: { periodSeconds: 120 },
    });
    assert.equal(control.status, 200);
    const bulk = await newest('updateCheckinControl');
    assert.deepEqual(bulk.targets, { filter: 'web.acme' });
    assert.equal(bulk.details.settings.before.length, 1);
    assert.deepEqual(bulk.details.settings.before[0].machines, ['pc1.web.acme', 'pc2.web.acme']);
    assert.equal(bulk.details.settings.before[0].checkinControl.periodSeconds, 30);
    assert.equal(bulk.details.settings.after[0].checkinControl.periodSeconds, 120);
  });

  it('filters by user, action and machine, pages with before, and verifies the chain', async () => {
    const byMachine = await api.call('GET', '/audit?machine=pc2.web.acme');
    assert.equal(byMachine.status, 200);
    assert.deepEqual(
      byMachine.body.items.map((e: { action: string }) => e.action),
      ['createCommand'],
    );
    const all = await api.call('GET', '/audit?user=admin');
    assert.ok(all.body.items.length >= 6, `only ${all.body.items.length} entries`);
    const first = await api.call('GET', '/audit?limit=2');
    assert.equal(first.body.items.length, 2);
    assert.equal(typeof first.body.next, 'number');
    const second = await api.call('GET', `/audit?limit=2&before=${first.body.next}`);
    assert.equal(second.body.items[0].seq, first.body.items[1].seq - 1);
    assert.equal((await api.call('GET', '/audit?user=nobody')).body.items.length, 0);
    const verify = await api.call('GET', '/audit/verify');
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true);
    assert.equal(verify.body.checked, verify.body.headSeq);
    assert.equal(verify.body.headHash, all.body.items[0].hash);
  });

  it('writes nothing for reads and for requests refused before authentication', async () => {
    const head = (await api.call('GET', '/audit/verify')).body.headSeq;
    await api.call('GET', '/machines');
    const anonymous = await fetch(`${api.server.httpUrl}/api/v1/machines/pc1.web.acme/suspend`, {
      method: 'POST',
    });
    assert.equal(anonymous.status, 401);
    assert.equal((await api.call('GET', '/audit/verify')).body.headSeq, head);
  });

  it('refuses bad filters with a clear error', async () => {
    const backwards = await api.call('GET', '/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    assert.equal(backwards.status, 400);
    assert.match(backwards.body.error.message, /"from" is after "to"/);
  });

  it('documents both routes with operationIds and response schemas', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    assert.equal(doc.paths['/api/v1/audit'].get.operationId, 'listAuditEntries');
    assert.equal(doc.paths['/api/v1/audit/verify'].get.operationId, 'verifyAuditChain');
    assert.ok(doc.paths['/api/v1/audit'].get.responses['200'].content['application/json'].schema);
    assert.ok(doc.paths['/api/v1/audit/verify'].get.responses['200'].content['application/json'].schema);
  });
});

describe('GET /audit is scoped, and needs audit.view (in-process, real SQLite store)', () => {
  let store: StoreBackend;
  let cleanupFile: () => void;
  const principals = new Map<string, Principal>();
  let app: TypedApp;
  before(async () => {
    const file = createTestSqliteFile();
    cleanupFile = file.cleanup;
    store = await openSqlStore({ sqliteFile: file.file });
    const actor = (name: string) => ({
      userId: name,
      userName: name,
      credential: { kind: 'token' as const, id: `t-${name}` },
      address: '127.0.0.1',
    });
    principals.set(
      'master',
      new Principal(actor('master'), [{ permissions: new Set(PERMISSIONS), scope: 'all' }]),
    );
    principals.set(
      'acme',
      new Principal(actor('acme'), [
        {
          permissions: new Set(['audit.view'] as const),
          scope: compileScope([
            { kind: 'organization', id: 'acme', include: true },
            { kind: 'machine', id: 'pc9.web.acme', include: false },
          ]),
        },
      ]),
    );
    principals.set('none', new Principal(actor('none'), [{ permissions: new Set(), scope: 'all' }]));
    const audit = new AuditService(
      store.audit,
      () => Date.now(),
      (error) => {
        throw error;
      },
    );
    const record = (machines: string[], action: string) =>
      audit.record({
        actor: actor('master'),
        action,
        targets: machines.length > 0 ? { machines } : {},
        details: null,
        status: 200,
        result: 'ok',
      });
    await record(['pc1.web.acme'], 'own');
    await record(['pc9.web.acme'], 'excluded-machine');
    await record(['db1.db.initech'], 'other-org');
    await record(['pc2.web.acme', 'db1.db.initech'], 'both');
    await record([], 'no-target');
    await record(['pc3.web.acme'], 'own-too');
    app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    registerErrorHandling(app);
    await registerAuthentication(app, { bearer: async (token) => principals.get(token) ?? null });
    registerRoutePermissions(app);
    registerComponents(app);
    await app.register(async (api) => auditRoutes(api.withTypeProvider<TypeBoxTypeProvider>(), audit), {
      prefix: '/api/v1',
    });
  });
  after(async () => {
    await app?.close();
    await store?.close();
    cleanupFile?.();
  });

  const get = async (token: string, url: string) => {
    const answer = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    return { status: answer.statusCode, body: answer.json() };
  };

  it('shows a scoped caller only entries whose every target is in scope, pages included', async () => {
    const scoped = await get('acme', '/api/v1/audit');
    assert.equal(scoped.status, 200);
    assert.deepEqual(
      scoped.body.items.map((e: { action: string }) => e.action),
      ['own-too', 'own'],
    );
    const page = await get('acme', '/api/v1/audit?limit=1');
    assert.deepEqual(
      page.body.items.map((e: { action: string }) => e.action),
      ['own-too'],
    );
    const next = await get('acme', `/api/v1/audit?limit=1&before=${page.body.next}`);
    assert.deepEqual(
      next.body.items.map((e: { action: string }) => e.action),
      ['own'],
    );
    assert.equal((await get('acme', '/api/v1/audit?machine=db1.db.initech')).body.items.length, 0);
    const master = await get('master', '/api/v1/audit');
    assert.equal(master.body.items.length, 6);
  });

  it('answers 403 naming audit.view to a caller without it, for the list and for verify; a scoped caller cannot verify the whole chain', async () => {
    for (const url of ['/api/v1/audit', '/api/v1/audit/verify']) {
      const refused = await get('none', url);
      assert.equal(refused.status, 403, url);
      assert.match(refused.body.error.message, /audit\.view/);
    }
    const scoped = await get('acme', '/api/v1/audit/verify');
    assert.equal(scoped.status, 403, 'chain length and broken entries are the whole server’s');
    assert.match(scoped.body.error.message, /on everything/);
    assert.equal((await get('master', '/api/v1/audit/verify')).body.ok, true);
  });
});
