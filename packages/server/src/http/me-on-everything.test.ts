import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

// GET /me tells the permissions held on everything apart from those held on part of the data:
// the console shows whole-server actions (Change ID, audit verification, managing people) only
// to callers who may use them, and the union of permissions cannot tell.
describe('GET /me: permissions on everything', () => {
  let api: TestApiServer;
  let token: string;
  before(async () => {
    api = await startTestApiServer();
    await api.seedMachines('web.acme', ['pc1.web.acme']);
    const created = [
      await api.call('POST', '/roles', { name: 'auditor', permissions: ['audit.view', 'server.manage'] }),
      await api.call('POST', '/roles', { name: 'viewer', permissions: ['machines.view'] }),
      await api.call('POST', '/scopes', {
        name: 'acme',
        entries: [{ kind: 'group', id: 'web.acme', include: true }],
      }),
      await api.call('POST', '/users', {
        name: 'mixed',
        password: 'a long enough password',
        grants: [
          { role: 'auditor', scope: 'acme' },
          { role: 'viewer', scope: 'master' },
        ],
      }),
    ];
    for (const answer of created) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const made = await api.call('POST', '/tokens', { name: 'probe', user: 'mixed' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    token = made.body.token;
  });
  after(async () => {
    await api?.close();
  });

  it('names only the permissions of pairs with the master scope', async () => {
    const me = await api.send({ method: 'GET', path: '/me', token });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.deepEqual(me.body.permissions, ['audit.view', 'machines.view', 'server.manage']);
    assert.deepEqual(me.body.permissionsOnEverything, ['machines.view']);
  });

  it('names every permission for a master', async () => {
    const me = await api.call('GET', '/me');
    assert.equal(me.status, 200);
    assert.ok(me.body.permissionsOnEverything.length > 0);
    assert.deepEqual(me.body.permissionsOnEverything, me.body.permissions);
  });
});
