import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { ErrorCode, MusterError } from '../domain/errors';
import type { StoreBackend } from '../store/interfaces';
import { ACCESS_TEST_BACKENDS, openTestStore } from './access-test-backends';
import { accessServices, accessSnapshot, TestClock } from './access-test-kit';
import { LOGIN_FAILED } from './login.service';
import { CREDENTIAL_CACHE_MS } from './token.service';

const T0 = 1_900_000_000_000;
const PASSWORD = 'correct horse battery';

const codeAt = (secret: string, at: number) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: at });

const authFailed = (message: RegExp | string) => (error: unknown) =>
  error instanceof MusterError &&
  error.code === ErrorCode.authFailed &&
  (typeof message === 'string' ? error.message === message : message.test(error.message));

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`credentials: tokens, sessions, sign-in, TOTP (${backend.name})`, () => {
    let store: StoreBackend;
    let dispose: () => Promise<void>;
    let s: ReturnType<typeof accessServices>;
    let node2: ReturnType<typeof accessServices>;
    const clock = new TestClock(T0);
    let tech = '';

    before(async () => {
      ({ store, dispose } = await openTestStore(backend));
      s = accessServices(store, clock);
      node2 = accessServices(store, clock);
      await store.groups.ensureGroup('web.acme', T0);
      await s.roles.create({ name: 'tech', permissions: ['machines.view', 'commands.run'] });
      await s.roles.create({ name: 'auditor', permissions: ['audit.view'], requireTotp: true });
      await s.scopes.create({ name: 'acme', entries: [{ kind: 'organization', id: 'acme', include: true }] });
      tech = (
        await s.users.create({
          name: 'tech1',
          password: PASSWORD,
          grants: [
            { role: 'tech', scope: 'acme' },
            { role: 'auditor', scope: 'master' },
          ],
        })
      ).id;
    });
    after(() => dispose());

    it('a token carries its user grants; a narrowed one only its subset; TOTP-requiring roles wait for enrollment', async () => {
      const wide = await s.tokens.create(tech, { name: 'wide' });
      const p = await s.principals.fromBearer(wide.token, '192.0.2.7');
      assert.ok(p);
      assert.deepEqual(p.permissions(), ['commands.run', 'machines.view'], 'audit.view needs TOTP first');
      assert.deepEqual(p.actor, {
        userId: tech,
        userName: 'tech1',
        credential: { kind: 'token', id: wide.record.id },
        address: '192.0.2.7',
      });
      assert.deepEqual(p.require('machines.view'), {
        all: false,
        scopes: [{ includeGroups: ['acme'], includeMachines: [], excludeGroups: [], excludeMachines: [] }],
      });
      const narrow = await s.tokens.create(tech, { name: 'narrow', permissions: ['machines.view'] });
      assert.deepEqual((await s.principals.fromBearer(narrow.token, '::1'))?.permissions(), [
        'machines.view',
      ]);
      assert.equal(await s.principals.fromBearer(`${wide.token}x`, '::1'), null);

      // Enrolling TOTP opens the auditor role (within the cache time).
      const enrollment = s.totp.newEnrollment('tech1');
      assert.match(enrollment.uri, /^otpauth:\/\/totp\/Muster:tech1\?/);
      await s.totp.confirmEnrollment(tech, enrollment.secret, codeAt(enrollment.secret, clock.now));
      clock.advance(CREDENTIAL_CACHE_MS);
      assert.deepEqual((await s.principals.fromBearer(wide.token, '::1'))?.permissions(), [
        'audit.view',
        'commands.run',
        'machines.view',
      ]);
      assert.equal((await s.principals.fromBearer(wide.token, '::1'))?.scopeFor('audit.view')?.all, true);
      await s.totp.reset(tech);
      clock.advance(30_000);
    });

    it('a revocation, an expiry or a disabled user stops a token on another node within the cache time', async () => {
      const made = await s.tokens.create(tech, { name: 'ci', expiresInSeconds: 3600 });
      assert.ok(await node2.principals.fromBearer(made.token, '::1'));
      await s.tokens.revoke(made.record.id, tech);
      assert.ok((await s.principals.fromBearer(made.token, '::1')) === null, 'the revoking node at once');
      clock.advance(CREDENTIAL_CACHE_MS);
      assert.equal(
        await node2.principals.fromBearer(made.token, '::1'),
        null,
        'the other node after the cache time',
      );

      const expiring = await s.tokens.create(tech, { name: 'short', expiresInSeconds: 60 });
      assert.ok(await node2.principals.fromBearer(expiring.token, '::1'));
      clock.advance(60_000);
      assert.equal(await node2.principals.fromBearer(expiring.token, '::1'), null);

      const live = await s.tokens.create(tech, { name: 'live' });
      assert.ok(await node2.principals.fromBearer(live.token, '::1'));
      await s.users.update('tech1', { disabled: true });
      clock.advance(CREDENTIAL_CACHE_MS);
      assert.equal(await node2.principals.fromBearer(live.token, '::1'), null);
      await s.users.update('tech1', { disabled: false });
      clock.advance(CREDENTIAL_CACHE_MS);
      assert.ok(await node2.principals.fromBearer(live.token, '::1'));

      // Last use is written coalesced, at stop (or every interval).
      await node2.tokens.stop();
      assert.equal((await store.apiTokens.findApiToken(live.record.id))?.lastUsedAt, clock.now);
      await assert.rejects(
        s.tokens.revoke(live.record.id, 'someone-else'),
        (e: unknown) => e instanceof MusterError && e.code === ErrorCode.notFound,
      );
    });

    it('sign-in: one answer for an unknown user, a wrong password or a disabled user', async () => {
      const ok = await s.login.login('TECH1', PASSWORD);
      assert.equal(ok.userName, 'tech1');
      assert.equal((await store.users.findUser(tech))?.lastLoginAt, clock.now);
      await assert.rejects(s.login.login('tech1', 'wrong password!!'), authFailed(LOGIN_FAILED));
      await assert.rejects(s.login.login('nobody', PASSWORD), authFailed(LOGIN_FAILED));
      await assert.rejects(s.login.login('admin', ''), authFailed(LOGIN_FAILED), 'admin has no password');
      await s.users.update('tech1', { disabled: true });
      await assert.rejects(s.login.login('tech1', PASSWORD), authFailed(LOGIN_FAILED));
      await s.users.update('tech1', { disabled: false });
    });

    it('sign-in with TOTP: the code is needed, and a code replayed within its window is refused', async () => {
      const enrollment = s.totp.newEnrollment('tech1');
      await assert.rejects(s.totp.confirmEnrollment(tech, enrollment.secret, '000000'), /does not match/);
      assert.equal((await store.users.findUser(tech))?.totpEnrolled, false);
      await s.totp.confirmEnrollment(tech, enrollment.secret, codeAt(enrollment.secret, clock.now));
      clock.advance(30_000);
      await assert.rejects(s.login.login('tech1', PASSWORD), authFailed('a TOTP code is needed'));
      const code = codeAt(enrollment.secret, clock.now);
      assert.equal((await s.login.login('tech1', PASSWORD, code)).userId, tech);
      const before = await accessSnapshot(store);
      clock.advance(10_000);
      await assert.rejects(
        s.login.login('tech1', PASSWORD, code),
        authFailed(LOGIN_FAILED),
        'same code again',
      );
      await assert.rejects(
        node2.login.login('tech1', PASSWORD, code),
        authFailed(LOGIN_FAILED),
        'on another node',
      );
      const older = codeAt(enrollment.secret, clock.now - 30_000);
      await assert.rejects(
        s.login.login('tech1', PASSWORD, older),
        authFailed(LOGIN_FAILED),
        'the step before',
      );
      assert.equal(await accessSnapshot(store), before);
      clock.advance(30_000);
      assert.equal(
        (await s.login.login('tech1', PASSWORD, codeAt(enrollment.secret, clock.now))).userId,
        tech,
      );
    });

    it('sessions: idle and absolute expiry, sign-out seen by another node, CSRF per session', async () => {
      const opened = await s.sessions.open(tech, '192.0.2.9');
      const resolved = await node2.principals.fromSession(opened.secret, '192.0.2.9');
      assert.ok(resolved);
      assert.deepEqual(resolved.principal.actor.credential, { kind: 'session', id: opened.id });
      assert.equal(s.sessions.checkCsrf(resolved.session.session, opened.csrfToken), true);
      assert.equal(s.sessions.checkCsrf(resolved.session.session, `${opened.csrfToken}x`), false);
      assert.equal(s.sessions.checkCsrf(resolved.session.session, undefined), false);
      const other = await s.sessions.open(tech, null);
      assert.equal(s.sessions.checkCsrf(resolved.session.session, other.csrfToken), false);

      await s.sessions.revoke(opened.id);
      clock.advance(CREDENTIAL_CACHE_MS);
      assert.equal(await node2.principals.fromSession(opened.secret, '::1'), null);

      // Idle: used every 20 minutes it lives; 30 minutes unused it ends.
      for (let i = 0; i < 3; i++) {
        clock.advance(20 * 60_000);
        assert.ok(await s.sessions.verify(other.secret), `use ${i}`);
      }
      clock.advance(30 * 60_000);
      assert.equal(await s.sessions.verify(other.secret), null);

      // Absolute: 12 hours whatever the use.
      const long = await s.sessions.open(tech, null);
      for (let i = 0; i < 36; i++) {
        clock.advance(20 * 60_000);
        const verified = await s.sessions.verify(long.secret);
        assert.equal(verified !== null, i < 35, `at ${(i + 1) * 20} minutes`);
      }
    });
  });
}
