import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewUser } from '../access-record';
import { T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

const newUser = (id: string, name = id): NewUser => ({
  id,
  name,
  displayName: `User ${name}`,
  email: `${name}@example.com`,
  passwordHash: `hash-of-${name}`,
  createdAt: T0,
});

/** Conformance tests of UserStore and GrantStore, the master guard included. */
export function userStoreTests(store: StoreRef): void {
  it('starts with the built-in master role and scope and the master user admin', async () => {
    const s = store();
    const admin = await s.users.findUserByName('admin');
    assert.ok(admin);
    assert.equal(admin.disabled, false);
    assert.equal(admin.hasPassword, false);
    const grants = await s.grants.grantsOf(admin.id);
    assert.deepEqual(
      grants.map((g) => [g.role.id, g.role.builtIn, g.scope.id, g.scope.builtIn]),
      [['master', true, 'master', true]],
    );
    assert.equal(await s.users.countActiveMasters(), 1);
  });

  it('creates users once per name and never lists their secrets', async () => {
    const s = store();
    assert.equal(await s.users.createUser(newUser('u1', 'alice')), true);
    assert.equal(await s.users.createUser(newUser('u2', 'alice')), false);
    assert.equal(await s.users.findUser('u2'), null);
    const alice = await s.users.findUser('u1');
    assert.deepEqual(alice, {
      id: 'u1',
      name: 'alice',
      displayName: 'User alice',
      email: 'alice@example.com',
      disabled: false,
      hasPassword: true,
      totpEnrolled: false,
      lastLoginAt: null,
      createdAt: T0,
      updatedAt: T0,
    });
    const listed = await s.users.listUsers();
    assert.deepEqual(
      listed.map((u) => u.name),
      ['admin', 'alice'],
    );
    assert.equal(JSON.stringify(listed).includes('hash-of-alice'), false);
    const creds = await s.users.credentialsByName('alice');
    assert.equal(creds?.passwordHash, 'hash-of-alice');
    assert.equal(await s.users.credentialsByName('nobody'), null);
  });

  it('updates profiles, passwords and logins', async () => {
    const s = store();
    await s.users.createUser(newUser('u3', 'bob'));
    assert.equal(await s.users.updateUser('u3', { displayName: 'Bob', email: null }, T0 + 5), 'done');
    assert.equal(await s.users.updateUser('missing', { displayName: 'x' }, T0 + 5), 'not-found');
    assert.equal(await s.users.setPasswordHash('u3', 'new-hash', T0 + 6), true);
    assert.equal(await s.users.setPasswordHash('missing', 'new-hash', T0 + 6), false);
    await s.users.recordLogin('u3', T0 + 7);
    const bob = await s.users.findUser('u3');
    assert.equal(bob?.displayName, 'Bob');
    assert.equal(bob?.email, null);
    assert.equal(bob?.lastLoginAt, T0 + 7);
    assert.equal(bob?.updatedAt, T0 + 6);
    assert.equal((await s.users.credentialsById('u3'))?.passwordHash, 'new-hash');
  });

  it('accepts each TOTP step once, only moving forward, and starts over on re-enrollment', async () => {
    const s = store();
    await s.users.createUser(newUser('u4', 'carol'));
    assert.equal(await s.users.setTotpSecret('u4', 'SECRET', T0), true);
    assert.equal((await s.users.findUser('u4'))?.totpEnrolled, true);
    assert.equal(await s.users.useTotpStep('u4', 100), true);
    assert.equal(await s.users.useTotpStep('u4', 100), false, 'the same step again is a replay');
    assert.equal(await s.users.useTotpStep('u4', 99), false, 'an earlier step is a replay');
    assert.equal(await s.users.useTotpStep('u4', 101), true);
    assert.equal((await s.users.credentialsById('u4'))?.totpLastStep, 101);
    await s.users.setTotpSecret('u4', null, T0 + 1);
    const creds = await s.users.credentialsById('u4');
    assert.deepEqual([creds?.totpSecret, creds?.totpLastStep], [null, null]);
  });

  it('refuses to disable, delete or ungrant the last active master, changing nothing', async () => {
    const s = store();
    const admin = await s.users.findUserByName('admin');
    assert.ok(admin);
    assert.equal(
      await s.users.updateUser(admin.id, { disabled: true, displayName: 'x' }, T0 + 9),
      'last-master',
    );
    assert.equal(await s.users.deleteUser(admin.id), 'last-master');
    assert.equal(await s.grants.setGrants(admin.id, []), 'last-master');
    const after = await s.users.findUser(admin.id);
    assert.deepEqual(after, admin);
    assert.equal((await s.grants.grantsOf(admin.id)).length, 1);

    // With a second master, either may go.
    await s.users.createUser(newUser('u5', 'second-master'));
    assert.equal(await s.grants.setGrants('u5', [{ roleId: 'master', scopeId: 'master' }]), 'done');
    assert.equal(await s.users.countActiveMasters(), 2);
    assert.equal(await s.users.updateUser(admin.id, { disabled: true }, T0 + 10), 'done');
    assert.equal(await s.users.countActiveMasters(), 1);
    assert.equal(await s.users.deleteUser('u5'), 'last-master');
    assert.equal(await s.users.updateUser(admin.id, { disabled: false }, T0 + 11), 'done');
    assert.equal(await s.users.deleteUser('u5'), 'done');
    assert.equal(await s.users.findUser('u5'), null);
    assert.equal(await s.users.deleteUser('u5'), 'not-found');
  });

  it('deleting a user takes their grants, tokens and sessions with them', async () => {
    const s = store();
    await s.users.createUser(newUser('u6', 'dave'));
    await s.grants.setGrants('u6', [{ roleId: 'master', scopeId: 'master' }]);
    await s.apiTokens.createApiToken({
      id: 't-u6',
      userId: 'u6',
      name: 'cli',
      tokenHash: 'hash-t-u6',
      tokenPrefix: null,
      permissions: null,
      expiresAt: null,
      createdAt: T0,
    });
    await s.sessions.createSession({
      id: 's-u6',
      userId: 'u6',
      secretHash: 'hash-s-u6',
      csrfHash: 'csrf',
      address: null,
      createdAt: T0,
      expiresAt: T0 + 1000,
    });
    assert.equal(await s.users.deleteUser('u6'), 'done');
    assert.equal(await s.apiTokens.findApiTokenByHash('hash-t-u6'), null);
    assert.equal(await s.sessions.findSessionByHash('hash-s-u6'), null);
    assert.deepEqual(await s.grants.grantsOf('u6'), []);
  });
}

/** Conformance tests of RoleStore, ScopeStore and GrantStore. */
export function roleScopeStoreTests(store: StoreRef): void {
  it('creates, renames, edits and deletes roles and scopes; built-ins stay as they are', async () => {
    const s = store();
    const role = { id: 'r1', name: 'tech', permissions: ['machines.view'], requireTotp: true, createdAt: T0 };
    assert.equal(await s.roles.createRole(role), true);
    assert.equal(await s.roles.createRole({ ...role, id: 'r2' }), false);
    assert.deepEqual(await s.roles.findRoleByName('tech'), { ...role, builtIn: false, updatedAt: T0 });
    assert.equal(
      await s.roles.updateRole('r1', { permissions: ['files.read'], requireTotp: false }, T0 + 1),
      'done',
    );
    assert.equal(await s.roles.updateRole('r1', { name: 'master' }, T0 + 2), 'conflict');
    assert.equal(await s.roles.updateRole('master', { permissions: [] }, T0 + 2), 'not-found');
    const edited = await s.roles.findRole('r1');
    assert.deepEqual(
      [edited?.name, edited?.permissions, edited?.requireTotp],
      ['tech', ['files.read'], false],
    );
    assert.deepEqual(
      (await s.roles.listRoles()).map((r) => r.name),
      ['master', 'tech'],
    );

    const entries = [{ kind: 'organization' as const, id: 'acme', include: true }];
    assert.equal(await s.scopes.createScope({ id: 'sc1', name: 'acme', entries, createdAt: T0 }), true);
    assert.equal(await s.scopes.createScope({ id: 'sc2', name: 'acme', entries, createdAt: T0 }), false);
    const lab = [...entries, { kind: 'group' as const, id: 'lab.acme', include: false }];
    assert.equal(await s.scopes.updateScope('sc1', { entries: lab }, T0 + 1), 'done');
    assert.deepEqual((await s.scopes.findScopeByName('acme'))?.entries, lab);
    assert.equal(await s.scopes.updateScope('master', { entries }, T0 + 1), 'not-found');
    assert.deepEqual((await s.scopes.findScope('master'))?.entries, []);

    await s.users.createUser(newUser('g1', 'grantee'));
    assert.equal(
      await s.grants.setGrants('g1', [
        { roleId: 'r1', scopeId: 'sc1' },
        { roleId: 'r1', scopeId: 'sc1' },
        { roleId: 'master', scopeId: 'sc1' },
      ]),
      'done',
    );
    assert.deepEqual(
      (await s.grants.grantsOf('g1')).map((g) => `${g.role.name}/${g.scope.name}`),
      ['master/acme', 'tech/acme'],
    );
    assert.equal(await s.grants.setGrants('nobody', []), 'not-found');
    assert.equal(await s.roles.deleteRole('master'), false);
    assert.equal(await s.scopes.deleteScope('master'), false);
    assert.equal(await s.roles.deleteRole('r1'), true);
    assert.deepEqual(
      (await s.grants.grantsOf('g1')).map((g) => `${g.role.name}/${g.scope.name}`),
      ['master/acme'],
    );
    assert.equal(await s.scopes.deleteScope('sc1'), true);
    assert.deepEqual(await s.grants.grantsOf('g1'), []);
    assert.equal(await s.roles.deleteRole('r1'), false);
  });

  it('tells whether an organization exists, for scope entries', async () => {
    const s = store();
    assert.equal(await s.scopes.organizationExists('initech'), false);
    await s.groups.ensureGroup('hq.initech', T0);
    assert.equal(await s.scopes.organizationExists('initech'), true);
    assert.equal(await s.scopes.organizationExists('hq.initech'), false);
  });
}
