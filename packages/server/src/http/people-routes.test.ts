import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

// The people routes refuse bad input with a clear error and change nothing: checked through the
// real API of a whole server on SQLite.
describe('people routes: bad input', () => {
  let api: TestApiServer;
  const snapshot = async () =>
    JSON.stringify([
      (await api.call('GET', '/users')).body,
      (await api.call('GET', '/roles')).body,
      (await api.call('GET', '/scopes')).body,
    ]);

  before(async () => {
    api = await startTestApiServer();
    await api.seedMachines('web.acme', ['pc1.web.acme']);
    assert.equal(
      (await api.call('POST', '/roles', { name: 'viewer', permissions: ['machines.view'] })).status,
      201,
    );
    assert.equal(
      (await api.call('POST', '/users', { name: 'tech', password: 'a long enough password' })).status,
      201,
    );
  });
  after(async () => {
    await api?.close();
  });

  it('each refusal names what is wrong, and nothing changes', async () => {
    const before = await snapshot();
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      [
        'POST',
        '/roles',
        { name: 'bad', permissions: ['machines.view', 'machines.fly'] },
        400,
        /machines\.fly/,
      ],
      ['POST', '/users', { name: 'weak', password: 'short' }, 400, /password/],
      ['POST', '/users', { name: 'empty', password: '' }, 400, /password/],
      ['POST', '/users', { name: 'tech', password: 'another long password' }, 409, /tech/],
      ['POST', '/users', { name: 'x', grants: [{ role: 'nope', scope: 'master' }] }, 400, /nope/],
      [
        'POST',
        '/scopes',
        { name: 'ghost', entries: [{ kind: 'group', id: 'ghost.acme', include: true }] },
        400,
        /ghost\.acme/,
      ],
      ['PATCH', '/users/admin', { disabled: true }, 409, /master/],
      ['DELETE', '/users/admin', undefined, 409, /master/],
      ['PUT', '/roles/master', { name: 'master', permissions: ['machines.view'] }, 409, /master/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await api.call(method, path, body);
      assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, message, `${method} ${path}`);
    }
    assert.equal(await snapshot(), before, 'users, roles and scopes are as they were');
  });
});
