import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import { freePort, TestServer, tempDir, waitFor } from './support/harness';

/** A console session as a browser holds it: the cookie and the CSRF token. */
interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(
  server: TestServer,
  name: string,
  password: string,
  totpCode?: string,
): Promise<{
  status: number;
  body: { error?: { message: string; details?: Record<string, unknown> } };
  session: Session | null;
}> {
  const response = await fetch(`${server.api.baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password, ...(totpCode ? { totpCode } : {}) }),
  });
  const body = (await response.json()) as { csrfToken?: string; error?: { message: string } };
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = /muster_session=[^;]+/.exec(setCookie)?.[0];
  return {
    status: response.status,
    body,
    session: cookie && body.csrfToken ? { cookie, csrf: body.csrfToken } : null,
  };
}

async function withSession(
  server: TestServer,
  session: Session,
  method: string,
  path: string,
  body?: unknown,
  csrf = true,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.api.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      ...(csrf ? { 'x-csrf-token': session.csrf } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function withToken(server: TestServer, token: string, path: string): Promise<number> {
  return (
    await fetch(`${server.api.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
  ).status;
}

/** Milliseconds from now until `check` holds, polled every 50 ms. */
async function msUntil(check: () => Promise<boolean>, limitMs = 5000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if (await check()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number.POSITIVE_INFINITY;
}

const PASSWORD = 'correct horse battery staple';

// People with real server processes: password and TOTP sign-in with cookie and CSRF, and
// credentials that stop working on every node within a second of a revocation or a disable.
describe('people: sign-in, second factor, revocation across nodes', () => {
  const dir = tempDir('people');
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    database = await createTestPostgresDatabase();
    a = await TestServer.start({
      dataDir: join(dir.path, 'a'),
      agentPorts: [await freePort()],
      databaseUrl: database.url,
    });
    b = await TestServer.start({
      dataDir: join(dir.path, 'b'),
      agentPorts: [await freePort()],
      databaseUrl: database.url,
      tokenDir: join(dir.path, 'a'),
    });
    await a.api.post('/roles', { name: 'viewer', permissions: ['machines.view'] });
    const created = await a.api.post('/users', {
      name: 'tech',
      password: PASSWORD,
      grants: [{ role: 'viewer', scope: 'master' }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
    dir.cleanup();
  });

  it('signs in with a password: the cookie works with CSRF, never without it, and sign-out ends it', async () => {
    const wrong = await signIn(a, 'tech', 'not the password');
    assert.equal(wrong.status, 401);
    const unknown = await signIn(a, 'nobody', 'not the password');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error?.message, wrong.body.error?.message, 'an unknown user is not told apart');

    const ok = await signIn(a, 'tech', PASSWORD);
    assert.equal(ok.status, 201);
    const session = ok.session as Session;
    assert.ok(session, 'a session cookie and a CSRF token');
    const me = await withSession(a, session, 'GET', '/me', undefined, false);
    assert.equal(me.status, 200);
    assert.deepEqual((me.body as { permissions: string[] }).permissions, ['machines.view']);
    // A cookie alone changes nothing: the CSRF token must come with it.
    const forged = await withSession(a, session, 'POST', '/tokens', { name: 'from another site' }, false);
    assert.equal(forged.status, 403);
    assert.match(JSON.stringify(forged.body), /x-csrf-token/);
    const made = await withSession(a, session, 'POST', '/tokens', { name: 'mine' });
    assert.equal(made.status, 201);
    // The session works on the other node too, and sign-out ends it everywhere.
    assert.equal((await withSession(b, session, 'GET', '/machines', undefined, false)).status, 200);
    assert.equal((await withSession(a, session, 'DELETE', '/session')).status, 204);
    const ms = await msUntil(
      async () => (await withSession(b, session, 'GET', '/me', undefined, false)).status === 401,
    );
    assert.ok(ms <= 1000, `the other node still took the session after ${ms} ms`);
  });

  it('enrolls TOTP; then sign-in needs a code, and a code is good only once', async () => {
    const first = (await signIn(a, 'tech', PASSWORD)).session as Session;
    const begin = await withSession(a, first, 'POST', '/me/totp');
    assert.equal(begin.status, 200);
    const { secret, uri } = begin.body as { secret: string; uri: string };
    assert.match(uri, /^otpauth:\/\/totp\//);
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    const confirm = await withSession(a, first, 'POST', '/me/totp/confirm', {
      secret,
      code: totp.generate(),
    });
    assert.equal(confirm.status, 204, JSON.stringify(confirm.body));

    const withoutCode = await signIn(a, 'tech', PASSWORD);
    assert.equal(withoutCode.status, 401);
    assert.equal(withoutCode.body.error?.details?.totpRequired, true);
    // The code used to confirm is spent: wait for the next 30-second step.
    const step = Math.floor(Date.now() / 30_000);
    await waitFor('the next TOTP step', () => Math.floor(Date.now() / 30_000) > step, 35_000, 250);
    const code = totp.generate();
    const withCode = await signIn(b, 'tech', PASSWORD, code);
    assert.equal(withCode.status, 201, JSON.stringify(withCode.body));
    const replayed = await signIn(a, 'tech', PASSWORD, code);
    assert.equal(replayed.status, 401, 'the same code again, on the other node, within its window');
  });

  it('a revoked API token stops working on the other node within a second', async () => {
    const made = await a.api.post('/tokens', { name: 'script', user: 'tech' });
    assert.equal(made.status, 201);
    const { token, record } = made.body as { token: string; record: { id: string } };
    assert.equal(await withToken(b, token, '/machines'), 200);
    assert.equal((await a.api.request('DELETE', `/tokens/${record.id}`)).status, 200);
    const ms = await msUntil(async () => (await withToken(b, token, '/machines')) === 401);
    assert.ok(ms <= 1000, `node b still took the revoked token after ${ms} ms`);
  });

  it('a disabled user is locked out: tokens on every node, sessions, and sign-in', async () => {
    await a.api.post('/users', {
      name: 'leaver',
      password: PASSWORD,
      grants: [{ role: 'viewer', scope: 'master' }],
    });
    const { token } = (await a.api.post('/tokens', { name: 'laptop', user: 'leaver' })).body as {
      token: string;
    };
    const session = (await signIn(b, 'leaver', PASSWORD)).session as Session;
    assert.equal(await withToken(b, token, '/machines'), 200);
    assert.equal((await a.api.request('PATCH', '/users/leaver', { disabled: true })).status, 200);
    const ms = await msUntil(async () => (await withToken(b, token, '/machines')) === 401);
    assert.ok(ms <= 1000, `node b still took the disabled user's token after ${ms} ms`);
    assert.equal((await withSession(b, session, 'GET', '/me', undefined, false)).status, 401);
    assert.equal((await signIn(a, 'leaver', PASSWORD)).status, 401);
  });
});
