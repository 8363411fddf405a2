import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { keyFingerprint } from '@muster/protocol';
import { PERMISSIONS } from '../access/permissions';
import { sqliteFileOf } from '../config';
import { openDatabase } from '../store/sql/open-database';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

/** One operation of the OpenAPI document. */
interface Operation {
  method: string;
  /** The path template under /api/v1, e.g. /machines/{id}. */
  path: string;
  permission: string | undefined;
  /** Its permission must reach everything (x-on-everything): the route acts on the whole server. */
  onEverything: boolean;
  hasBody: boolean;
}

type Caller = 'none' | 'bad-token' | 'no-permissions' | 'one-group' | 'with-exclusion' | 'master';

/**
 * Bodies that pass validation for each operation that takes one, naming objects outside the
 * scoped callers' scopes, so a scoped caller meets the scope check rather than a 400. A new
 * route with a body must be added here (the test says so), and so be thought about.
 */
function bodyFor(op: Operation, f: Fixtures): unknown {
  const key = `${op.method} ${op.path}`;
  const bodies: Record<string, unknown> = {
    'PUT /machines/{id}/remote-control': { enabled: false },
    'PUT /checkin-control': { machines: [f.globexMachine], settings: { periodSeconds: 60 } },
    'PUT /checkin-policy/{group}': { minSeconds: 30, maxSeconds: 600 },
    'POST /install-tokens': { group: 'web.globex' },
    'PUT /notification-settings': { 'duplicate-account': true },
    'POST /commands': { targets: { machines: [f.globexMachine] }, type: 'audit', params: {} },
    'PUT /organizations/{org}/webhook': { url: 'https://hooks.example.com/muster' },
    'POST /files': 'file content',
    'POST /offsite-servers': {
      machineId: f.globexMachine,
      host: 'gx.example.com',
      port: 5800,
      directory: '/srv/o2',
    },
    'PUT /offsite-servers/{id}': { directory: '/srv/o3' },
    'POST /local-servers': {
      machineId: f.globexMachine2,
      directory: '/srv/l2',
      offsiteServerId: f.globexOffsite,
    },
    'PUT /local-servers/{id}': { directory: '/srv/l3' },
    'POST /device-enrollment-tokens': { group: 'web.globex', platform: 'android' },
    'PUT /devices/{id}/settings': { tracking: false },
    'PUT /device-groups/{group}/settings': { tracking: false },
    'POST /session': { name: 'nobody', password: 'not the password' },
    'PUT /me/password': { currentPassword: 'not the password', newPassword: 'a long enough new password' },
    'POST /me/totp/confirm': { secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', code: '000000' },
    'POST /users': { name: 'matrix-made', password: 'a long enough password 1' },
    'PATCH /users/{id}': { displayName: 'Changed' },
    'PUT /users/{id}/grants': { grants: [] },
    'PUT /users/{id}/password': { password: 'a long enough password 2' },
    'POST /roles': { name: 'matrix-role', permissions: ['machines.view'] },
    'PUT /roles/{id}': { name: 'matrix-role-2', permissions: ['machines.view'] },
    'POST /scopes': {
      name: 'matrix-scope',
      entries: [{ kind: 'organization', id: 'globex', include: true }],
    },
    'PUT /scopes/{id}': {
      name: 'matrix-scope-2',
      entries: [{ kind: 'organization', id: 'globex', include: true }],
    },
    'POST /tokens': { name: 'matrix' },
    'POST /alert-rules': { name: 'matrix', group: 'web.globex', condition: 'offline', minutes: 5 },
    'PUT /alert-rules/{id}': { name: 'matrix', group: 'web.globex', condition: 'offline', minutes: 5 },
    'POST /maintenance-windows': {
      group: 'web.globex',
      startsAt: '2098-06-01T00:00:00Z',
      endsAt: '2099-01-01T00:00:00Z',
    },
  };
  if (!(key in bodies)) assert.fail(`${key} takes a body: add a valid one to the authorization matrix test`);
  return bodies[key];
}

/** The ids that fill a path template: objects the scoped callers must not reach. */
function outsidePath(op: Operation, f: Fixtures, caller: Caller): string {
  const excluded = caller === 'with-exclusion';
  const values: Record<string, string> = {
    '/machines/{id}': excluded ? 'pc2.lab.acme' : f.globexMachine,
    '/checkin-policy/{group}': excluded ? 'lab.acme' : 'web.globex',
    '/install-tokens/{id}': f.globexInstallToken,
    '/commands/{id}': f.globexCommand,
    '/organizations/{org}': 'globex',
    '/webhooks/dead-letters/{id}': 'no-such-dead-letter',
    '/files/{id}': f.globexFile,
    '/offsite-servers/{id}': f.globexOffsite,
    '/local-servers/{id}': f.globexLocal,
    '/devices/{id}': 'no-such-device',
    '/device-groups/{group}': excluded ? 'lab.acme' : 'web.globex',
    '/users/{id}': 'no-permissions',
    '/roles/{id}': 'everything',
    '/scopes/{id}': 'web-acme',
    '/tokens/{id}': f.masterTokenId,
    '/alert-rules/{id}': 'no-such-alert-rule',
    '/maintenance-windows/{id}': 'no-such-window',
    '/terminal-sessions/{id}': 'no-such-terminal-session',
  };
  return op.path.replace(/^(\/[^{]*\{[a-z]+\})/i, (prefix) => {
    const value = values[prefix];
    if (value === undefined)
      assert.fail(`${op.method} ${op.path}: add the path to the authorization matrix test`);
    return prefix.replace(/\{[a-z]+\}/i, encodeURIComponent(value));
  });
}

/** What a caller must get. */
function expectation(caller: Caller, op: Operation): { ok(status: number): boolean; says: string } {
  const is = (...codes: number[]) => ({ ok: (s: number) => codes.includes(s), says: codes.join(' or ') });
  const not = (...codes: number[]) => ({
    ok: (s: number) => !codes.includes(s) && s < 500,
    says: `anything but ${codes.join(', ')} or 5xx`,
  });
  // Signing in needs no credentials; the body names a user that does not exist.
  if (op.permission === 'public') return is(401);
  if (caller === 'none' || caller === 'bad-token') return is(401);
  if (op.permission === 'authenticated') return not(401);
  if (caller === 'master') return not(401, 403);
  if (caller === 'no-permissions') return is(403);
  // Scoped callers hold every permission, on part of the data.
  // What belongs to the whole server, or to people, needs its permission on everything.
  if (op.permission === 'users.manage' || op.onEverything) return is(403);
  const reachesData = op.path.includes('{') || op.hasBody;
  if (op.path === '/events') return not(401, 403, 404);
  return reachesData ? is(404) : not(401, 403, 404);
}

interface Fixtures {
  globexMachine: string;
  globexMachine2: string;
  globexInstallToken: string;
  globexCommand: string;
  globexFile: string;
  globexOffsite: string;
  globexLocal: string;
  masterTokenId: string;
}

// Every route of the OpenAPI document (read at test time, so a new route is in the matrix the
// moment it exists) as six callers: no credentials, a bad token, a user with no permissions, a
// user scoped to one group, a user with an exclusion, and a master. Each answer is asserted.
describe('authorization matrix', () => {
  let api: TestApiServer;
  let operations: Operation[] = [];
  const tokens = new Map<Caller, string>();
  const f = {} as Fixtures;

  // Through Fastify's inject: the whole server is wired and running, but no socket is in between.
  const send = async (caller: Caller, method: string, path: string, body?: unknown) => {
    const token = caller === 'bad-token' ? 'mst_not-a-real-token' : (tokens.get(caller) ?? null);
    return (await api.send({ method, path, token, body })).status;
  };
  const asMaster = async (method: string, path: string, body?: unknown) => {
    const r = await api.call(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  before(async () => {
    api = await startTestApiServer();
    tokens.set('master', readFileSync(api.server.adminTokenFile, 'utf8').trim());
    await api.seedMachines('web.acme', ['pc1.web.acme']);
    await api.seedMachines('lab.acme', ['pc2.lab.acme']);
    await api.seedMachines('web.globex', ['gx1.web.globex', 'gx2.web.globex']);
    // An offsite server needs its machine's key to pin: give the seeded account one.
    const { db, close } = openDatabase({ sqliteFile: sqliteFileOf(api.config) });
    const key = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    await db
      .updateTable('machines')
      .set({ public_key: key.toString('base64'), key_fingerprint: keyFingerprint(key) })
      .where('id', '=', 'gx1.web.globex')
      .execute();
    await close();
    f.globexMachine = 'gx1.web.globex';
    f.globexMachine2 = 'gx2.web.globex';
    f.globexInstallToken = (await asMaster('POST', '/install-tokens', { group: 'web.globex' })).id;
    f.globexCommand = (
      await asMaster('POST', '/commands', {
        targets: { machines: ['gx1.web.globex'] },
        type: 'audit',
        params: {},
      })
    ).items[0].id;
    const upload = await api.send({
      method: 'POST',
      path: '/files?name=g.txt&group=web.globex',
      token: tokens.get('master') ?? null,
      body: 'globex file',
    });
    assert.equal(upload.status, 201);
    f.globexFile = (upload.body as { id: string }).id;
    f.globexOffsite = (
      await asMaster('POST', '/offsite-servers', {
        machineId: 'gx1.web.globex',
        host: 'gx1.example.com',
        port: 5722,
        directory: '/srv/offsite',
      })
    ).id;
    f.globexLocal = (
      await asMaster('POST', '/local-servers', {
        machineId: 'gx2.web.globex',
        directory: '/srv/local',
        offsiteServerId: f.globexOffsite,
      })
    ).id;
    await asMaster('PUT', '/organizations/globex/webhook', { url: 'https://hooks.example.com/globex' });
    f.masterTokenId = (await asMaster('GET', '/tokens')).items[0].id;

    await asMaster('POST', '/roles', { name: 'everything', permissions: [...PERMISSIONS] });
    await asMaster('POST', '/scopes', {
      name: 'web-acme',
      entries: [{ kind: 'group', id: 'web.acme', include: true }],
    });
    await asMaster('POST', '/scopes', {
      name: 'acme-without-lab',
      entries: [
        { kind: 'organization', id: 'acme', include: true },
        { kind: 'group', id: 'lab.acme', include: false },
      ],
    });
    const users: Array<[Caller, Array<{ role: string; scope: string }>]> = [
      ['no-permissions', []],
      ['one-group', [{ role: 'everything', scope: 'web-acme' }]],
      ['with-exclusion', [{ role: 'everything', scope: 'acme-without-lab' }]],
    ];
    for (const [name, grants] of users) {
      await asMaster('POST', '/users', { name, grants });
      tokens.set(name, (await asMaster('POST', '/tokens', { name: 'matrix', user: name })).token);
    }

    const doc = await asMaster('GET', '/openapi.json');
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      // The operators' probes (/healthz, /readyz) sit outside the API and hold no data of anyone;
      // health.routes.test.ts checks that they answer without credentials.
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        operations.push({
          method: method.toUpperCase(),
          path: path.replace(/^\/api\/v1/, ''),
          permission: op['x-permission'] as string | undefined,
          onEverything: op['x-on-everything'] === true,
          hasBody: op.requestBody !== undefined,
        });
      }
    }
    // Mutations last, so what a caller changes does not change what the next one meets.
    operations = [
      ...operations.filter((o) => o.method === 'GET'),
      ...operations.filter((o) => o.method !== 'GET'),
    ];
  });
  after(async () => {
    await api?.close();
  });

  it('reads every operation from the OpenAPI document, and every one declares what it needs', () => {
    const wholeServer = operations.filter((o) => o.onEverything).map((o) => `${o.method} ${o.path}`);
    assert.deepEqual(wholeServer.sort(), [
      'GET /audit/verify',
      'GET /server/nodes',
      'POST /server/change-id',
      'PUT /notification-settings',
    ]);
    assert.ok(operations.length >= 80, `only ${operations.length} operations in the document`);
    const undeclared = operations
      .filter((o) => o.permission === undefined)
      .map((o) => `${o.method} ${o.path}`);
    assert.deepEqual(undeclared, [], 'routes without x-permission');
    const known = new Set<string>([...PERMISSIONS, 'authenticated', 'public']);
    const unknown = operations
      .filter((o) => !known.has(o.permission as string))
      .map((o) => `${o.method} ${o.path}`);
    assert.deepEqual(unknown, [], 'routes naming no known permission');
  });

  it('a scoped user reaches what is in their scope, and a master reaches everything (before any caller changes anything)', async () => {
    assert.equal(await send('one-group', 'GET', '/machines/pc1.web.acme'), 200);
    assert.equal(await send('with-exclusion', 'GET', '/machines/pc1.web.acme'), 200);
    assert.equal(await send('with-exclusion', 'GET', '/machines/pc2.lab.acme'), 404);
    assert.equal(await send('one-group', 'GET', '/checkin-policy/web.acme'), 200);
    // The machine list pages by id, within the caller's scope.
    const page = async (caller: Caller, query: string) =>
      (await api.send({ method: 'GET', path: `/machines?${query}`, token: tokens.get(caller) ?? null }))
        .body as {
        items: Array<{ id: string }>;
        next: string | null;
      };
    const first = await page('master', 'limit=2');
    assert.deepEqual(
      first.items.map((m) => m.id),
      ['gx1.web.globex', 'gx2.web.globex'],
    );
    assert.equal(first.next, 'gx2.web.globex');
    const second = await page('master', `limit=2&after=${first.next}`);
    assert.deepEqual(
      second.items.map((m) => m.id),
      ['pc1.web.acme', 'pc2.lab.acme'],
    );
    const scoped = await page('one-group', 'limit=2');
    assert.deepEqual(
      scoped.items.map((m) => m.id),
      ['pc1.web.acme'],
    );
    assert.equal(scoped.next, null, 'the last page says so');
    assert.equal(await send('master', 'GET', `/commands/${f.globexCommand}`), 200);
    const server = async (caller: Caller) =>
      (await api.send({ method: 'GET', path: '/server', token: tokens.get(caller) ?? null })).body as {
        connectedAgents: number | null;
      };
    assert.equal(
      (await server('one-group')).connectedAgents,
      null,
      "the node's agent count spans organizations",
    );
    assert.equal(typeof (await server('master')).connectedAgents, 'number');
  });

  const callers: Caller[] = ['none', 'bad-token', 'no-permissions', 'one-group', 'with-exclusion', 'master'];
  for (const caller of callers) {
    it(`as ${caller}: every operation answers as it must`, async () => {
      assert.ok(operations.length > 0);
      const wrong: string[] = [];
      for (const op of operations) {
        const path = op.path.includes('{') ? outsidePath(op, f, caller) : op.path;
        const body = op.hasBody ? bodyFor(op, f) : undefined;
        const query = op.path === '/files' && op.method === 'POST' ? '?name=m.txt&group=web.globex' : '';
        const status = await send(caller, op.method, path + query, body);
        const expected = expectation(caller, op);
        if (!expected.ok(status)) wrong.push(`${op.method} ${path}: ${status}, expected ${expected.says}`);
      }
      assert.deepEqual(wrong, []);
    });
  }
});
