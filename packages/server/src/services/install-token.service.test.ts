import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVERYTHING } from '../access/scope';
import { MusterError } from '../domain/errors';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile } from '../test-support/sqlite';
import { InstallTokenService } from './install-token.service';
import { hashSecret } from './secrets';

const NOW = 1_900_000_000_000;
const WEEK = 604_800;

// The service on a real SQLite store: default lifetime, "never", list states and revocation.
describe('InstallTokenService', () => {
  const file = createTestSqliteFile();
  let store: StoreBackend;
  let clock = NOW;
  const service = (defaultSeconds: number | null) =>
    new InstallTokenService(store.groups, store.installTokens, store.machines, () => clock, defaultSeconds);

  before(async () => {
    store = await openSqlStore({ sqliteFile: file.file });
  });
  after(async () => {
    await store.close();
    file.cleanup();
  });

  it('gives a token without a lifetime the configured default; 0 or null means never', async () => {
    const tokens = service(WEEK);
    assert.equal((await tokens.create({ group: 'web.acme' })).expiresAt, NOW + WEEK * 1000);
    assert.equal((await tokens.create({ group: 'web.acme', expiresInSeconds: 60 })).expiresAt, NOW + 60_000);
    assert.equal((await tokens.create({ group: 'web.acme', expiresInSeconds: null })).expiresAt, null);
    assert.equal((await tokens.create({ group: 'web.acme', expiresInSeconds: 0 })).expiresAt, null);
    // A server configured with installTokenExpirySeconds 0 makes tokens that never expire.
    assert.equal((await service(null).create({ group: 'web.acme' })).expiresAt, null);
  });

  it('refuses a negative or fractional lifetime and stores nothing', async () => {
    const tokens = service(WEEK);
    const count = (await tokens.list(EVERYTHING)).length;
    for (const bad of [-1, 1.5]) {
      await assert.rejects(tokens.create({ group: 'web.acme', expiresInSeconds: bad }), (e: unknown) => {
        assert.ok(e instanceof MusterError);
        assert.equal(e.code, 'invalid-input');
        return true;
      });
    }
    assert.equal((await tokens.list(EVERYTHING)).length, count);
  });

  it('lists tokens with their state and a prefix of the secret, never the secret', async () => {
    const tokens = service(WEEK);
    clock = NOW + 1000;
    const active = await tokens.create({ group: 'list.acme', maxUses: 1 });
    const short = await tokens.create({ group: 'list.acme', expiresInSeconds: 1 });
    const revoked = await tokens.create({ group: 'list.acme' });
    await tokens.revoke(revoked.id, EVERYTHING);
    clock = NOW + 5000;
    const listed = (await tokens.list(EVERYTHING)).filter((t) => t.groupId === 'list.acme');
    assert.equal(listed.length, 3);
    const byId = new Map(listed.map((t) => [t.id, t]));
    assert.equal(byId.get(active.id)?.state, 'active');
    assert.equal(byId.get(short.id)?.state, 'expired');
    assert.equal(byId.get(revoked.id)?.state, 'revoked');
    for (const t of listed) {
      assert.equal(JSON.stringify(t).includes(hashSecret(active.token)), false);
      assert.equal(t.tokenPrefix?.length, 12);
    }
    assert.ok(active.token.startsWith(byId.get(active.id)?.tokenPrefix ?? '?'));
    assert.equal(JSON.stringify(listed).includes(active.token), false);
  });

  it('revoking an unknown token is not-found', async () => {
    await assert.rejects(service(WEEK).revoke('nope', EVERYTHING), (e: unknown) => {
      assert.ok(e instanceof MusterError);
      assert.equal(e.code, 'not-found');
      return true;
    });
  });
});
