import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

// The alert API of a whole server in this process (no socket): shapes, errors that change
// nothing, the caller's scope, and the audit entries every change writes.
describe('alert API', () => {
  let api: TestApiServer;
  let acmeToken = '';
  const as = (token: string, method: string, path: string, body?: unknown) =>
    api.send({
      method,
      path,
      token,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });

  before(async () => {
    api = await startTestApiServer();
    await api.seedMachines('web.acme', ['pc1.web.acme']);
    await api.seedMachines('web.globex', ['gx1.web.globex']);
    const ok = (r: { status: number; body: unknown }) => assert.ok(r.status < 300, JSON.stringify(r.body));
    ok(await api.call('POST', '/roles', { name: 'alerting', permissions: ['alerts.view', 'alerts.manage'] }));
    ok(
      await api.call('POST', '/scopes', {
        name: 'acme',
        entries: [{ kind: 'organization', id: 'acme', include: true }],
      }),
    );
    ok(await api.call('POST', '/users', { name: 'acme-ops', grants: [{ role: 'alerting', scope: 'acme' }] }));
    const token = await api.call('POST', '/tokens', { name: 'alerts', user: 'acme-ops' });
    ok(token);
    acmeToken = token.body.token;
  });
  after(() => api.close());

  it('creates, reads, updates and deletes rules, each change in the audit log', async () => {
    const created = await api.call('POST', '/alert-rules', {
      name: 'web offline',
      group: 'web.acme',
      condition: 'offline',
      minutes: 15,
      emails: ['ops@example.com'],
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      { ...created.body, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        name: 'web offline',
        group: 'web.acme',
        condition: 'offline',
        minutes: 15,
        emails: ['ops@example.com'],
        webhook: false,
        enabled: true,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    const id = created.body.id as string;
    assert.equal((await api.call('GET', `/alert-rules/${id}`)).body.name, 'web offline');
    const updated = await api.call('PUT', `/alert-rules/${id}`, {
      name: 'web offline 30',
      group: 'web.acme',
      condition: 'offline',
      minutes: 30,
      enabled: false,
    });
    assert.equal(updated.status, 200);
    assert.deepEqual([updated.body.minutes, updated.body.enabled, updated.body.emails], [30, false, []]);
    assert.equal((await api.call('DELETE', `/alert-rules/${id}`)).status, 204);
    assert.equal((await api.call('GET', `/alert-rules/${id}`)).status, 404);
    for (const action of ['createAlertRule', 'updateAlertRule', 'deleteAlertRule']) {
      const entries = (await api.call('GET', `/audit?action=${action}`)).body.items as Array<{
        outcome?: string;
      }>;
      assert.equal(entries.length, 1, `${action} audited`);
    }
  });

  it('answers bad input with a clear error and stores nothing', async () => {
    const before = (await api.call('GET', '/alert-rules')).body.items.length;
    const cases: Array<[unknown, number, RegExp]> = [
      [
        { name: 'x', group: 'nowhere.acme', condition: 'offline', minutes: 5 },
        404,
        /no machine group or organization/,
      ],
      [
        { name: 'x', group: 'web.acme', condition: 'offline', minutes: -1 },
        400,
        /^minutes: a whole number from 0 to 10080, got -1$/,
      ],
      [
        { name: 'x', group: 'web.acme', condition: 'offline', minutes: 1.5 },
        400,
        /^minutes: a whole number from 0 to 10080, got 1.5$/,
      ],
      [{ name: 'x', group: 'web.acme', condition: 'on-fire', minutes: 1 }, 400, /condition/],
      [{ name: 'x', group: 'web.acme', condition: 'offline' }, 400, /minutes: required/],
      [
        { name: 'x', group: 'web.acme', condition: 'offline', minutes: 1, emails: ['nope'] },
        400,
        /not an email address/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const answer = await api.call('POST', '/alert-rules', body);
      assert.equal(answer.status, status, JSON.stringify(body));
      assert.match(answer.body.error.message, message);
    }
    assert.equal((await api.call('GET', '/alert-rules')).body.items.length, before);
    const now = Date.now();
    const backwards = await api.call('POST', '/maintenance-windows', {
      group: 'web.acme',
      startsAt: new Date(now + 7200_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
    });
    assert.equal(backwards.status, 400);
    assert.match(backwards.body.error.message, /must end after it starts/);
    const unknownMachine = await api.call('POST', '/maintenance-windows', {
      machine: 'ghost.web.acme',
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
    });
    assert.equal(unknownMachine.status, 404);
    assert.deepEqual((await api.call('GET', '/maintenance-windows')).body.items, []);
  });

  it('keeps a scoped user to the organizations of their scope', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const globexRule = await api.call('POST', '/alert-rules', {
      name: 'globex',
      group: 'globex',
      condition: 'command-failed',
    });
    assert.equal(globexRule.status, 201);
    const globexWindow = await api.call('POST', '/maintenance-windows', {
      machine: 'gx1.web.globex',
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3600_000),
    });
    assert.equal(globexWindow.status, 201);
    const mine = await as(acmeToken, 'POST', '/alert-rules', {
      name: 'acme',
      group: 'acme',
      condition: 'warning',
    });
    assert.equal(mine.status, 201);
    const listed = (await as(acmeToken, 'GET', '/alert-rules')).body.items.map(
      (r: { name: string }) => r.name,
    );
    assert.deepEqual(listed, ['acme']);
    assert.equal((await as(acmeToken, 'GET', `/alert-rules/${globexRule.body.id}`)).status, 404);
    assert.equal((await as(acmeToken, 'DELETE', `/alert-rules/${globexRule.body.id}`)).status, 404);
    const outside = await as(acmeToken, 'POST', '/alert-rules', {
      name: 'g',
      group: 'web.globex',
      condition: 'warning',
    });
    assert.equal(outside.status, 404, 'a group out of scope reads as unknown');
    assert.deepEqual((await as(acmeToken, 'GET', '/maintenance-windows')).body.items, []);
    assert.equal((await as(acmeToken, 'DELETE', `/maintenance-windows/${globexWindow.body.id}`)).status, 404);
    assert.equal((await api.call('GET', '/maintenance-windows')).body.items.length, 1, 'still there');
    assert.deepEqual((await as(acmeToken, 'GET', '/alerts')).body.items, []);
    const forbidden = await as(acmeToken, 'GET', '/machines');
    assert.equal(forbidden.status, 403, 'alert permissions grant nothing else');
  });
});
