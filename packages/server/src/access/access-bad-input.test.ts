import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, MusterError } from '../domain/errors';
import type { StoreBackend } from '../store/interfaces';
import { ACCESS_TEST_BACKENDS, openTestStore } from './access-test-backends';
import { accessServices, accessSnapshot, TestClock } from './access-test-kit';

const T0 = 1_900_000_000_000;

/** A refusal: the error code and a message matching the pattern. */
const refused = (code: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof MusterError, String(error));
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return true;
};

for (const backend of ACCESS_TEST_BACKENDS) {
  describe(`access services refuse bad input and change nothing (${backend.name})`, () => {
    let store: StoreBackend;
    let dispose: () => Promise<void>;
    let s: ReturnType<typeof accessServices>;
    const clock = new TestClock(T0);

    before(async () => {
      ({ store, dispose } = await openTestStore(backend));
      s = accessServices(store, clock);
      await store.groups.ensureGroup('web.acme', T0);
      await s.roles.create({ name: 'tech', permissions: ['machines.view'] });
      await s.scopes.create({ name: 'acme', entries: [{ kind: 'organization', id: 'acme', include: true }] });
      await s.users.create({
        name: 'alice',
        password: 'correct horse battery',
        grants: [{ role: 'tech', scope: 'acme' }],
      });
    });
    after(() => dispose());

    const unchanged = async (attempt: () => Promise<unknown>, check: (error: unknown) => boolean) => {
      const before = await accessSnapshot(store);
      await assert.rejects(attempt(), check);
      assert.equal(await accessSnapshot(store), before);
    };

    it('weak or empty passwords, with the reason', async () => {
      await unchanged(
        () => s.users.create({ name: 'bob', password: '' }),
        refused(ErrorCode.invalidInput, /the password is empty/),
      );
      await unchanged(
        () => s.users.create({ name: 'bob', password: 'short pw' }),
        refused(ErrorCode.invalidInput, /too short: 8 characters, at least 12/),
      );
      await unchanged(
        () => s.users.create({ name: 'robert-the-admin', password: 'ROBERT-THE-ADMIN' }),
        refused(ErrorCode.invalidInput, /the password is the user name/),
      );
      await unchanged(
        () => s.users.create({ name: 'bob', password: '              ' }),
        refused(ErrorCode.invalidInput, /only spaces/),
      );
      await unchanged(
        () => s.users.setPassword('alice', 'tiny'),
        refused(ErrorCode.invalidInput, /too short/),
      );
      assert.equal(await store.users.findUserByName('bob'), null);
    });

    it('duplicate names, whatever their case', async () => {
      await unchanged(
        () => s.users.create({ name: 'Alice', password: 'another long password' }),
        refused(ErrorCode.conflict, /a user named alice exists already/),
      );
      await unchanged(
        () => s.roles.create({ name: 'TECH', permissions: [] }),
        refused(ErrorCode.conflict, /role named tech/),
      );
      await unchanged(
        () => s.scopes.create({ name: 'acme', entries: [] }),
        refused(ErrorCode.conflict, /scope named acme/),
      );
      await unchanged(
        () => s.users.create({ name: 'no spaces allowed' }),
        refused(ErrorCode.invalidInput, /a user name is/),
      );
    });

    it('unknown permissions, and the built-in master role', async () => {
      await unchanged(
        () =>
          s.roles.create({ name: 'helpdesk', permissions: ['machines.view', 'machines.destroy', 'root'] }),
        refused(ErrorCode.invalidInput, /unknown permissions: machines.destroy, root/),
      );
      await unchanged(
        () => s.roles.update('tech', { permissions: ['files.read', 'files.execute'] }),
        refused(ErrorCode.invalidInput, /unknown permissions: files.execute/),
      );
      await unchanged(
        () => s.roles.update('master', { permissions: ['machines.view'] }),
        refused(ErrorCode.invalidState, /built-in role master cannot be changed/),
      );
      await unchanged(
        () => s.roles.delete('master'),
        refused(ErrorCode.invalidState, /built-in role master/),
      );
      const alice = await store.users.findUserByName('alice');
      assert.ok(alice);
      await unchanged(
        () => s.tokens.create(alice.id, { name: 'x', permissions: ['users.manage'] }),
        refused(ErrorCode.invalidInput, /does not hold these permissions: users.manage/),
      );
      await unchanged(
        () => s.tokens.create(alice.id, { name: 'x', permissions: ['machines.fly'] }),
        refused(ErrorCode.invalidInput, /unknown permissions: machines.fly/),
      );
    });

    it('scope entries that name nothing, and the built-in master scope', async () => {
      await unchanged(
        () =>
          s.scopes.create({
            name: 'globex',
            entries: [{ kind: 'organization', id: 'globex', include: true }],
          }),
        refused(ErrorCode.invalidInput, /entry 0: there is no organization "globex"/),
      );
      await unchanged(
        () =>
          s.scopes.create({
            name: 'lab',
            entries: [
              { kind: 'group', id: 'web.acme', include: true },
              { kind: 'group', id: 'lab.acme', include: false },
            ],
          }),
        refused(ErrorCode.invalidInput, /entry 1: there is no group "lab.acme"/),
      );
      await unchanged(
        () => s.scopes.update('acme', { entries: [{ kind: 'machine', id: 'pc9.web.acme', include: false }] }),
        refused(ErrorCode.invalidInput, /entry 0: there is no machine "pc9.web.acme"/),
      );
      await unchanged(
        () =>
          s.scopes.create({
            name: 'web',
            entries: [{ kind: 'organization', id: 'web.acme', include: true }],
          }),
        refused(ErrorCode.invalidInput, /no organization "web.acme"/),
      );
      await unchanged(
        () => s.scopes.update('master', { entries: [] }),
        refused(ErrorCode.invalidState, /built-in scope master cannot be changed/),
      );
    });

    it('unknown roles or scopes in grants', async () => {
      await unchanged(
        () =>
          s.users.create({
            name: 'carol',
            password: 'a long enough password',
            grants: [{ role: 'ghost', scope: 'acme' }],
          }),
        refused(ErrorCode.invalidInput, /grant 0: there is no role "ghost"/),
      );
      await unchanged(
        () => s.users.setGrants('alice', [{ role: 'tech', scope: 'nowhere' }]),
        refused(ErrorCode.invalidInput, /grant 0: there is no scope "nowhere"/),
      );
      assert.equal(await store.users.findUserByName('carol'), null);
    });

    it('removing, disabling or demoting the last active master', async () => {
      await unchanged(
        () => s.users.delete('admin'),
        refused(ErrorCode.conflict, /cannot delete admin: it is the last active user/),
      );
      await unchanged(
        () => s.users.update('admin', { disabled: true }),
        refused(ErrorCode.conflict, /cannot disable admin/),
      );
      await unchanged(
        () => s.users.setGrants('admin', [{ role: 'tech', scope: 'acme' }]),
        refused(ErrorCode.conflict, /cannot take the master role from admin/),
      );
      // Alice made master, admin may go; then alice is the last one.
      await s.users.setGrants('alice', [{ role: 'master', scope: 'master' }]);
      await s.users.update('admin', { disabled: true });
      await unchanged(() => s.users.delete('alice'), refused(ErrorCode.conflict, /cannot delete alice/));
    });
  });
}
