import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { NewApiToken } from '../access-record';
import { T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

const token = (id: string, userId: string, at: number): NewApiToken => ({
  id,
  userId,
  name: `token ${id}`,
  tokenHash: `hash-${id}`,
  tokenPrefix: `mst_${id}`,
  permissions: id === 'narrow' ? ['machines.view'] : null,
  expiresAt: id === 'narrow' ? T0 + 60_000 : null,
  createdAt: at,
});

/** Conformance tests of ApiTokenStore. */
export function apiTokenStoreTests(store: StoreRef): void {
  before(async () => {
    const s = store();
    for (const name of ['erin', 'frank']) {
      await s.users.createUser({
        id: name,
        name,
        displayName: name,
        email: null,
        passwordHash: null,
        createdAt: T0,
      });
    }
  });

  it('finds a token by its whole hash with its owner, lists newest first, never the hash', async () => {
    const s = store();
    assert.equal(await s.apiTokens.countApiTokens(), 0);
    await s.apiTokens.createApiToken(token('wide', 'erin', T0));
    await s.apiTokens.createApiToken(token('narrow', 'erin', T0 + 1));
    await s.apiTokens.createApiToken(token('other', 'frank', T0 + 2));
    assert.equal(await s.apiTokens.countApiTokens(), 3);
    const found = await s.apiTokens.findApiTokenByHash('hash-narrow');
    assert.deepEqual(found, {
      token: {
        id: 'narrow',
        userId: 'erin',
        name: 'token narrow',
        tokenPrefix: 'mst_narrow',
        permissions: ['machines.view'],
        expiresAt: T0 + 60_000,
        createdAt: T0 + 1,
        lastUsedAt: null,
        revokedAt: null,
      },
      owner: { id: 'erin', name: 'erin', disabled: false, totpEnrolled: false },
    });
    assert.equal(await s.apiTokens.findApiTokenByHash('hash-'), null);
    const mine = await s.apiTokens.listApiTokens('erin');
    assert.deepEqual(
      mine.map((t) => t.id),
      ['narrow', 'wide'],
    );
    assert.equal(JSON.stringify(mine).includes('hash-'), false);
    assert.deepEqual(
      (await s.apiTokens.listApiTokens(null)).map((t) => t.id),
      ['other', 'narrow', 'wide'],
    );
  });

  it('revokes once, and writes last use only forwards', async () => {
    const s = store();
    assert.equal((await s.apiTokens.revokeApiToken('wide', T0 + 10))?.revokedAt, T0 + 10);
    assert.equal((await s.apiTokens.revokeApiToken('wide', T0 + 20))?.revokedAt, T0 + 10);
    assert.equal(await s.apiTokens.revokeApiToken('missing', T0), null);
    await s.apiTokens.touchApiTokens(
      new Map([
        ['narrow', T0 + 30],
        ['other', T0 + 31],
      ]),
    );
    await s.apiTokens.touchApiTokens(new Map([['narrow', T0 + 25]]));
    assert.equal((await s.apiTokens.findApiToken('narrow'))?.lastUsedAt, T0 + 30);
    assert.equal((await s.apiTokens.findApiToken('other'))?.lastUsedAt, T0 + 31);
  });
}

/** Conformance tests of SessionStore. */
export function sessionStoreTests(store: StoreRef): void {
  before(async () => {
    await store().users.createUser({
      id: 'gina',
      name: 'gina',
      displayName: 'Gina',
      email: null,
      passwordHash: null,
      createdAt: T0,
    });
  });

  it('creates, finds, touches and revokes sessions', async () => {
    const s = store();
    const base = {
      userId: 'gina',
      csrfHash: 'csrf-h',
      address: '192.0.2.1',
      createdAt: T0,
      expiresAt: T0 + 1000,
    };
    await s.sessions.createSession({ ...base, id: 's1', secretHash: 'sh1' });
    await s.sessions.createSession({ ...base, id: 's2', secretHash: 'sh2' });
    await s.sessions.createSession({ ...base, id: 's3', secretHash: 'sh3', expiresAt: T0 + 10 });
    const found = await s.sessions.findSessionByHash('sh1');
    assert.deepEqual(found, {
      session: {
        id: 's1',
        userId: 'gina',
        csrfHash: 'csrf-h',
        address: '192.0.2.1',
        createdAt: T0,
        lastSeenAt: T0,
        expiresAt: T0 + 1000,
        revokedAt: null,
      },
      owner: { id: 'gina', name: 'gina', disabled: false, totpEnrolled: false },
    });
    await s.sessions.touchSessions(new Map([['s1', T0 + 50]]));
    await s.sessions.touchSessions(new Map([['s1', T0 + 40]]));
    assert.equal((await s.sessions.findSessionByHash('sh1'))?.session.lastSeenAt, T0 + 50);
    assert.equal(await s.sessions.revokeSession('s1', T0 + 60), true);
    assert.equal(await s.sessions.revokeSession('nope', T0 + 60), false);
    assert.equal((await s.sessions.findSessionByHash('sh1'))?.session.revokedAt, T0 + 60);
    assert.equal(
      await s.sessions.revokeSessionsOf('gina', T0 + 70, 's3'),
      1,
      's2 (s1 was revoked already, s3 kept)',
    );
    assert.equal((await s.sessions.findSessionByHash('sh3'))?.session.revokedAt, null);
    assert.equal(await s.sessions.revokeSessionsOf('gina', T0 + 70), 1, 's3 now');
    assert.equal((await s.sessions.findSessionByHash('sh2'))?.session.revokedAt, T0 + 70);
    assert.equal(await s.sessions.deleteSessionsEndedBefore(T0 + 65), 2, 's1 revoked and s3 expired before');
    assert.equal(await s.sessions.findSessionByHash('sh1'), null);
    assert.notEqual(await s.sessions.findSessionByHash('sh2'), null);
  });
}
