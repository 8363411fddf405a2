import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

// PUT /me/password: "my other sessions end" — the session that changed the password stays.
describe('changing my own password', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({ authFailureDelayMs: 0 });
    const created = await api.call('POST', '/users', { name: 'nora', password: 'first long password' });
    assert.equal(created.status, 201);
  });
  after(() => api?.close());

  /** Signs in as nora: the session cookie and the CSRF token. */
  const signIn = async (password: string) => {
    const answer = await api.server.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { name: 'nora', password },
    });
    assert.equal(answer.statusCode, 201, answer.body);
    const cookie = answer.cookies.find((c) => c.name === 'muster_session');
    assert.ok(cookie);
    return { cookie: `muster_session=${cookie.value}`, csrf: answer.json().csrfToken as string };
  };
  const me = (session: { cookie: string }) =>
    api.server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } });

  it('keeps the session it was changed in and ends the others', async () => {
    const here = await signIn('first long password');
    const elsewhere = await signIn('first long password');
    const changed = await api.server.app.inject({
      method: 'PUT',
      url: '/api/v1/me/password',
      headers: { cookie: here.cookie, 'x-csrf-token': here.csrf },
      payload: { currentPassword: 'first long password', newPassword: 'second long password' },
    });
    assert.equal(changed.statusCode, 204, changed.body);
    assert.equal((await me(here)).statusCode, 200, 'this session goes on');
    assert.equal((await me(elsewhere)).statusCode, 401, 'the other session ended');
    await signIn('second long password');
  });
});
