import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { MachineRecord } from '../machine-record';
import {
  account,
  CUSTOM_CONTROL,
  DEFAULT_CONTROL,
  enrollment,
  expectEnrolled,
  expectTaken,
  freshKey,
  ids,
  mustFind,
  sortedIds,
  T0,
  token,
} from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

/** Conformance tests of one store interface. */
export function groupRegistryTests(store: StoreRef): void {
  it('reports the backend dialect', () => {
    assert.ok(['sqlite', 'postgres'].includes(store().dialect));
  });

  it('creates a group with its ancestors and organization', async () => {
    const s = store();
    assert.equal(await s.groups.groupExists('eu.web.acme'), false);
    await s.groups.ensureGroup('eu.web.acme', T0);
    assert.equal(await s.groups.groupExists('eu.web.acme'), true);
    assert.equal(await s.groups.groupExists('web.acme'), true);
    // The organization is not a group of its own.
    assert.equal(await s.groups.groupExists('acme'), false);
    // The organization row exists: a machine in the group carries it.
    assert.equal(await s.machines.createMachineAccount(account('m.eu.web.acme')), true);
    assert.equal((await mustFind(s, 'm.eu.web.acme')).orgId, 'acme');
  });

  it('is idempotent for the group, its ancestors and siblings sharing the organization', async () => {
    const s = store();
    await s.groups.ensureGroup('eu.web.acme', T0 + 1);
    await s.groups.ensureGroup('web.acme', T0 + 2);
    await s.groups.ensureGroup('us.web.acme', T0 + 3);
    await s.groups.ensureGroup('db.acme', T0 + 4);
    for (const g of ['eu.web.acme', 'us.web.acme', 'web.acme', 'db.acme']) {
      assert.equal(await s.groups.groupExists(g), true, g);
    }
  });

  it('does not report unknown groups', async () => {
    const s = store();
    assert.equal(await s.groups.groupExists('nowhere.acme'), false);
    assert.equal(await s.groups.groupExists('eu.web.other'), false);
  });
}

/** Conformance tests of one store interface. */
export function installTokenTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('eu.web.acme', T0);
  });

  it('enrolls a new machine named after its host', async () => {
    const s = store();
    await s.installTokens.createInstallToken(token({ tokenHash: 'open', groupId: 'web.acme' }));
    const key = freshKey('ws1');
    const request = enrollment('open', 'ws1', key);
    const machine = expectEnrolled(await s.installTokens.enroll(request));
    const expected: MachineRecord = {
      id: 'ws1.web.acme',
      guid: request.guid,
      name: 'ws1',
      groupId: 'web.acme',
      orgId: 'acme',
      publicKey: request.publicKey,
      keyFingerprint: request.keyFingerprint,
      hardwareId: request.hardwareId,
      hostName: request.hostName,
      temporary: false,
      suspended: false,
      remoteControlEnabled: true,
      checkinControl: DEFAULT_CONTROL,
      // Revision 1 not yet applied (0): the first session pushes the settings to the agent.
      settingsRevision: 1,
      appliedRevision: 0,
      appliedCheckinControl: null,
      createdAt: T0,
      firstCheckinAt: null,
      lastSeenAt: null,
      connected: false,
      remoteAddress: null,
      loggedOnUser: null,
      userIdleSeconds: 0,
      localAddresses: [],
      agentVersion: null,
      audit: null,
      auditedAt: null,
    };
    assert.deepEqual(machine, expected);
    assert.deepEqual(await s.machines.findMachine('ws1.web.acme'), expected);
    assert.deepEqual(await s.machines.findMachineByKey(request.keyFingerprint), expected);
  });

  it('enrolls into a nested group under its organization', async () => {
    const s = store();
    await s.installTokens.createInstallToken(token({ tokenHash: 'nested', groupId: 'eu.web.acme' }));
    const machine = expectEnrolled(await s.installTokens.enroll(enrollment('nested', 'ws1', freshKey('eu'))));
    assert.equal(machine.id, 'ws1.eu.web.acme');
    assert.equal(machine.groupId, 'eu.web.acme');
    assert.equal(machine.orgId, 'acme');
  });

  it('marks machines enrolled with a temporary token as temporary', async () => {
    const s = store();
    await s.installTokens.createInstallToken(
      token({ tokenHash: 'temp', groupId: 'web.acme', temporary: true }),
    );
    const machine = expectEnrolled(
      await s.installTokens.enroll(enrollment('temp', 'kiosk-temp', freshKey('t'))),
    );
    assert.equal(machine.temporary, true);
    assert.equal((await mustFind(s, machine.id)).temporary, true);
  });

  it('refuses an unknown token and creates nothing', async () => {
    const s = store();
    const request = enrollment('no-such-token', 'ghost', freshKey('ghost'));
    assert.deepEqual(await s.installTokens.enroll(request), { kind: 'token-invalid', reason: 'unknown' });
    assert.equal(await s.machines.findMachineByKey(request.keyFingerprint), null);
    assert.equal(await s.machines.findMachine('ghost.web.acme'), null);
  });

  it('refuses an expired token from its expiry instant on', async () => {
    const s = store();
    await s.installTokens.createInstallToken(
      token({ tokenHash: 'expiring', groupId: 'web.acme', expiresAt: T0 }),
    );
    for (const now of [T0, T0 + 1, T0 + 86_400_000]) {
      const request = enrollment('expiring', 'late', freshKey('late'), now);
      assert.deepEqual(await s.installTokens.enroll(request), { kind: 'token-invalid', reason: 'expired' });
      assert.equal(await s.machines.findMachineByKey(request.keyFingerprint), null);
    }
    expectEnrolled(await s.installTokens.enroll(enrollment('expiring', 'early', freshKey('early'), T0 - 1)));
  });

  it('refuses a used-up token (maxUses 1) and creates nothing', async () => {
    const s = store();
    await s.installTokens.createInstallToken(token({ tokenHash: 'once', groupId: 'web.acme', maxUses: 1 }));
    expectEnrolled(await s.installTokens.enroll(enrollment('once', 'first', freshKey('first'))));
    for (let attempt = 0; attempt < 2; attempt++) {
      const request = enrollment('once', 'second', freshKey('second'));
      assert.deepEqual(await s.installTokens.enroll(request), { kind: 'token-invalid', reason: 'used-up' });
      assert.equal(await s.machines.findMachineByKey(request.keyFingerprint), null);
    }
    assert.equal(await s.machines.findMachine('second.web.acme'), null);
  });

  it('allows exactly maxUses enrollments', async () => {
    const s = store();
    await s.installTokens.createInstallToken(token({ tokenHash: 'thrice', groupId: 'web.acme', maxUses: 3 }));
    for (let n = 1; n <= 3; n++) {
      expectEnrolled(await s.installTokens.enroll(enrollment('thrice', `three-${n}`, freshKey('three'))));
    }
    const fourth = await s.installTokens.enroll(enrollment('thrice', 'three-4', freshKey('three')));
    assert.deepEqual(fourth, { kind: 'token-invalid', reason: 'used-up' });
  });

  it('a refused (expired) enrollment consumes no use', async () => {
    const s = store();
    await s.installTokens.createInstallToken(
      token({ tokenHash: 'once-expiring', groupId: 'web.acme', maxUses: 1, expiresAt: T0 }),
    );
    // `now` comes with the request, so a later refused attempt can precede a valid earlier one.
    const refused = await s.installTokens.enroll(enrollment('once-expiring', 'tardy', freshKey('x'), T0 + 5));
    assert.deepEqual(refused, { kind: 'token-invalid', reason: 'expired' });
    expectEnrolled(
      await s.installTokens.enroll(enrollment('once-expiring', 'punctual', freshKey('x'), T0 - 5)),
    );
    const after = await s.installTokens.enroll(enrollment('once-expiring', 'again', freshKey('x'), T0 - 5));
    assert.deepEqual(after, { kind: 'token-invalid', reason: 'used-up' });
  });

  it('a fixed-name token claims a pre-created account for the first key; another key gets account-taken', async () => {
    const s = store();
    const precreated = account('kiosk.web.acme', { checkinControl: CUSTOM_CONTROL, createdAt: T0 - 1000 });
    assert.equal(await s.machines.createMachineAccount(precreated), true);
    await s.installTokens.createInstallToken(
      token({ tokenHash: 'kiosk', groupId: 'web.acme', machineName: 'kiosk', maxUses: 5 }),
    );
    const ownerKey = freshKey('kiosk-a');
    const first = enrollment('kiosk', 'some-host', ownerKey);
    const claimed = expectEnrolled(await s.installTokens.enroll(first));
    // The account keeps its identity; the agent brings its key, host facts and the check-in
    // addresses it was installed with (those replace the pre-created account's).
    assert.equal(claimed.id, 'kiosk.web.acme');
    assert.equal(claimed.name, 'kiosk');
    assert.equal(claimed.guid, precreated.guid);
    assert.equal(claimed.createdAt, T0 - 1000);
    assert.deepEqual(claimed.checkinControl, first.defaultCheckinControl);
    assert.equal(claimed.publicKey, first.publicKey);
    assert.equal(claimed.keyFingerprint, first.keyFingerprint);
    assert.equal(claimed.hardwareId, first.hardwareId);
    assert.equal(claimed.hostName, first.hostName);
    assert.deepEqual(await s.machines.findMachineByKey(first.keyFingerprint), claimed);
    assert.equal(await s.machines.findMachine('some-host.web.acme'), null);

    const second = enrollment('kiosk', 'other-host', freshKey('kiosk-b'));
    const holder = expectTaken(await s.installTokens.enroll(second));
    assert.equal(holder.id, 'kiosk.web.acme');
    assert.equal(holder.keyFingerprint, first.keyFingerprint);
    // The account still belongs to the first key.
    assert.deepEqual(await s.machines.findMachine('kiosk.web.acme'), claimed);
    assert.equal(await s.machines.findMachineByKey(second.keyFingerprint), null);
    assert.equal(await s.machines.findMachine('other-host.web.acme'), null);

    // The same key enrolling again (agent reinstalled) re-claims its own account.
    const again = expectEnrolled(await s.installTokens.enroll(enrollment('kiosk', 'some-host', ownerKey)));
    assert.equal(again.id, 'kiosk.web.acme');
  });

  it('an account-taken refusal consumes no use', async () => {
    const s = store();
    assert.equal(await s.machines.createMachineAccount(account('till.web.acme')), true);
    await s.installTokens.createInstallToken(
      token({ tokenHash: 'till', groupId: 'web.acme', machineName: 'till', maxUses: 2 }),
    );
    const owner = freshKey('till-owner');
    expectEnrolled(await s.installTokens.enroll(enrollment('till', 'till', owner)));
    expectTaken(await s.installTokens.enroll(enrollment('till', 'till', freshKey('till-intruder'))));
    // Use 2 of 2 is still there for the owner's reinstall; after it the token is used up.
    expectEnrolled(await s.installTokens.enroll(enrollment('till', 'till', owner)));
    const over = await s.installTokens.enroll(enrollment('till', 'till', owner));
    assert.deepEqual(over, { kind: 'token-invalid', reason: 'used-up' });
  });

  it('a fixed-name token creates its account when none exists', async () => {
    const s = store();
    await s.installTokens.createInstallToken(
      token({ tokenHash: 'door', groupId: 'web.acme', machineName: 'door' }),
    );
    const first = enrollment('door', 'reader-17', freshKey('door'));
    const machine = expectEnrolled(await s.installTokens.enroll(first));
    assert.equal(machine.id, 'door.web.acme');
    assert.equal(machine.name, 'door');
    assert.equal(machine.guid, first.guid);
    assert.deepEqual(machine.checkinControl, DEFAULT_CONTROL);
    const holder = expectTaken(
      await s.installTokens.enroll(enrollment('door', 'reader-18', freshKey('door'))),
    );
    assert.equal(holder.keyFingerprint, first.keyFingerprint);
  });

  it('numbers machines whose host names collide', async () => {
    const s = store();
    await s.installTokens.createInstallToken(token({ tokenHash: 'pcs', groupId: 'web.acme' }));
    const made: MachineRecord[] = [];
    for (let n = 0; n < 3; n++) {
      made.push(expectEnrolled(await s.installTokens.enroll(enrollment('pcs', 'pc', freshKey('pc')))));
    }
    assert.deepEqual(ids(made), ['pc.web.acme', 'pc-2.web.acme', 'pc-3.web.acme']);
    assert.deepEqual(
      made.map((m) => m.name),
      ['pc', 'pc-2', 'pc-3'],
    );
    // Three keys, three distinct accounts.
    assert.equal(new Set(made.map((m) => m.keyFingerprint)).size, 3);
  });

  it('lets exactly one of several concurrent enrollments take the last use', async () => {
    const s = store();
    await s.installTokens.createInstallToken(token({ tokenHash: 'race', groupId: 'web.acme', maxUses: 1 }));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        s.installTokens.enroll(enrollment('race', `race-${n}`, freshKey('race'))),
      ),
    );
    const won = results.filter((r) => r.kind === 'enrolled');
    const lost = results.filter((r) => r.kind !== 'enrolled');
    assert.equal(won.length, 1);
    for (const r of lost) assert.deepEqual(r, { kind: 'token-invalid', reason: 'used-up' });
    assert.equal((await s.machines.listMachines('race-%')).length, 1);
  });

  it('gives concurrent enrollments of one host name distinct names (same token)', async () => {
    const s = store();
    await s.installTokens.createInstallToken(token({ tokenHash: 'twins', groupId: 'web.acme' }));
    const results = await Promise.all(
      Array.from({ length: 6 }, () => s.installTokens.enroll(enrollment('twins', 'twin', freshKey('twin')))),
    );
    const machines = results.map(expectEnrolled);
    assert.deepEqual(
      sortedIds(ids(machines)),
      sortedIds(['twin', 'twin-2', 'twin-3', 'twin-4', 'twin-5', 'twin-6'].map((n) => `${n}.web.acme`)),
    );
  });

  it('gives concurrent enrollments of one host name distinct names (different tokens)', async (_t) => {
    const s = store();
    const hashes = ['pair-a', 'pair-b', 'pair-c', 'pair-d'];
    for (const tokenHash of hashes)
      await s.installTokens.createInstallToken(token({ tokenHash, groupId: 'web.acme' }));
    const results = await Promise.all(
      hashes.map((tokenHash) => s.installTokens.enroll(enrollment(tokenHash, 'pair', freshKey('pair')))),
    );
    const machines = results.map(expectEnrolled);
    assert.deepEqual(sortedIds(ids(machines)), [
      'pair-2.web.acme',
      'pair-3.web.acme',
      'pair-4.web.acme',
      'pair.web.acme',
    ]);
  });

  it('lets exactly one of two keys racing to claim a pre-created account win', async (_t) => {
    const s = store();
    assert.equal(await s.machines.createMachineAccount(account('contested.web.acme')), true);
    // Two tokens naming the same machine: one token's row lock would serialize the claims.
    for (const tokenHash of ['claim-a', 'claim-b']) {
      await s.installTokens.createInstallToken(
        token({ tokenHash, groupId: 'web.acme', machineName: 'contested' }),
      );
    }
    const requests = [
      enrollment('claim-a', 'host-a', freshKey('claim')),
      enrollment('claim-b', 'host-b', freshKey('claim')),
    ];
    const results = await Promise.all(requests.map((r) => s.installTokens.enroll(r)));
    assert.deepEqual(results.map((r) => r.kind).sort(), ['account-taken', 'enrolled']);
    const winner = results.find((r) => r.kind === 'enrolled');
    const holder = await mustFind(s, 'contested.web.acme');
    assert.equal(holder.keyFingerprint, winner?.machine.keyFingerprint);
  });
}
