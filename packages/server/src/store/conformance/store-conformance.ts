import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CheckinControl, Inventory } from '@muster/protocol';
import type { NewInstallToken, NewMachineAccount, StoreBackend } from '../interfaces';
import type { CheckinUpdate, EnrollmentRequest, EnrollmentResult, MachineRecord } from '../machine-record';
import { commandQueueTests } from './command-queue.conformance';
import { deviceStoreTests } from './device-store.conformance';

/** A freshly opened, empty backend and how to dispose of it (close the store, remove its database). */
export interface OpenedStore {
  store: StoreBackend;
  cleanup(): Promise<void>;
}

/**
 * Registers the store conformance suite for one backend. Every backend must pass the same
 * suite, so services can rely on the interfaces' contracts without knowing which backend runs.
 * `open` is called once per test group, so groups never see each other's rows.
 */
export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store conformance: ${name}`, () => {
    withStore('GroupRegistry', open, groupRegistryTests);
    withStore('InstallTokenStore', open, installTokenTests);
    withStore('MachineReader', open, machineReaderTests);
    withStore('MachineWriter', open, machineWriterTests);
    withStore('CheckinRecorder', open, checkinRecorderTests);
    withStore('PolicyStore', open, policyStoreTests);
    withStore('NotificationStore', open, notificationStoreTests);
    withStore('AdminTokenStore', open, adminTokenStoreTests);
    withStore('IdentityStore', open, identityStoreTests);
    withStore('CommandQueueStore', open, commandQueueTests);
    withStore('DeviceStore', open, deviceStoreTests);
  });
}

/** Gives the tests of one group the store opened for them. */
export type StoreRef = () => StoreBackend;

function withStore(title: string, open: () => Promise<OpenedStore>, tests: (store: StoreRef) => void): void {
  describe(title, () => {
    let opened: OpenedStore | undefined;
    before(async () => {
      opened = await open();
    });
    after(async () => {
      await opened?.cleanup();
    });
    tests(() => {
      if (!opened) throw new Error('the store was not opened (its before hook failed)');
      return opened.store;
    });
  });
}

// Times past 2^32 ms catch a time column too narrow for Date.now() or read back as a string.
const T0 = 1_900_000_000_000;

const DEFAULT_CONTROL: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

const CUSTOM_CONTROL: CheckinControl = {
  primary: { host: '10.1.2.3', port: 6000 },
  secondary: { host: 'backup.example.com', port: 6001 },
  periodSeconds: 300,
  bindToServer: true,
  bandwidthKBps: 512,
};

const INVENTORY: Inventory = {
  hostName: 'pc1.example.com',
  os: { platform: 'linux', release: '6.1.0', version: '#1 SMP Debian', arch: 'x64' },
  cpu: { model: 'Example CPU @ 3.0GHz', cores: 8 },
  memoryBytes: 17_179_869_184,
  disks: [{ mount: '/', totalBytes: 1_000_204_886_016, freeBytes: 500_000_000_000 }],
  networkInterfaces: [{ name: 'eth0', mac: '00:11:22:33:44:55', addresses: ['10.0.0.5', 'fe80::1'] }],
  hardwareId: 'hw-pc1',
};

// guid and key fingerprint are unique across machines, so every enrollment gets its own key.
let keySequence = 0;
function freshKey(label: string): string {
  keySequence += 1;
  return `${label}-${keySequence}`;
}

function token(fields: Partial<NewInstallToken> & { tokenHash: string; groupId: string }): NewInstallToken {
  return {
    id: `id-${fields.tokenHash}`,
    machineName: null,
    maxUses: null,
    expiresAt: null,
    temporary: false,
    createdAt: T0 - 60_000,
    ...fields,
  };
}

function enrollment(tokenHash: string, hostDerivedName: string, key: string, now = T0): EnrollmentRequest {
  return {
    tokenHash,
    now,
    hostDerivedName,
    publicKey: `public-key-${key}`,
    keyFingerprint: `fingerprint-${key}`,
    hardwareId: `hardware-${key}`,
    hostName: `${hostDerivedName}.corp.example.com`,
    guid: `guid-${key}`,
    defaultCheckinControl: DEFAULT_CONTROL,
  };
}

function account(id: string, fields: Partial<NewMachineAccount> = {}): NewMachineAccount {
  const dot = id.indexOf('.');
  return {
    id,
    guid: `guid-${id}`,
    name: id.slice(0, dot),
    groupId: id.slice(dot + 1),
    temporary: false,
    checkinControl: DEFAULT_CONTROL,
    createdAt: T0,
    ...fields,
  };
}

function expectEnrolled(result: EnrollmentResult): MachineRecord {
  if (result.kind !== 'enrolled') assert.fail(`expected an enrollment, got ${JSON.stringify(result)}`);
  return result.machine;
}

function expectTaken(result: EnrollmentResult): MachineRecord {
  if (result.kind !== 'account-taken') assert.fail(`expected account-taken, got ${JSON.stringify(result)}`);
  return result.machine;
}

async function mustFind(store: StoreBackend, id: string): Promise<MachineRecord> {
  const machine = await store.machines.findMachine(id);
  if (!machine) assert.fail(`machine ${id} not found`);
  return machine;
}

function ids(machines: readonly MachineRecord[]): string[] {
  return machines.map((m) => m.id);
}

/** Binary (code point) order, the order listMachines promises on every backend. */
function sortedIds(list: readonly string[]): string[] {
  return [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function groupRegistryTests(store: StoreRef): void {
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

function installTokenTests(store: StoreRef): void {
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

function machineReaderTests(store: StoreRef): void {
  let laptopKey = '';
  before(async () => {
    const s = store();
    for (const g of ['eu.web.acme', 'db.acme', 'noweb.acme']) await s.groups.ensureGroup(g, T0);
    for (const id of ['pc1.web.acme', 'pc2.eu.web.acme', 'x.db.acme', 'y.noweb.acme']) {
      assert.equal(await s.machines.createMachineAccount(account(id)), true);
    }
    await s.installTokens.createInstallToken(token({ tokenHash: 'reader', groupId: 'web.acme' }));
    const request = enrollment('reader', 'laptop', freshKey('laptop'));
    laptopKey = request.keyFingerprint;
    expectEnrolled(await s.installTokens.enroll(request));
  });

  it('finds a machine by id, or null', async () => {
    const s = store();
    const pc1 = await mustFind(s, 'pc1.web.acme');
    assert.equal(pc1.guid, 'guid-pc1.web.acme');
    assert.equal(pc1.publicKey, null);
    assert.equal(pc1.keyFingerprint, null);
    assert.equal(await s.machines.findMachine('nope.web.acme'), null);
  });

  it('finds a machine by key fingerprint, or null', async () => {
    const s = store();
    const laptop = await s.machines.findMachineByKey(laptopKey);
    assert.equal(laptop?.id, 'laptop.web.acme');
    assert.equal(await s.machines.findMachineByKey('fingerprint-unknown'), null);
  });

  it('lists every machine ordered by id', async () => {
    const all = ids(await store().machines.listMachines(null));
    const expected = ['laptop.web.acme', 'pc1.web.acme', 'pc2.eu.web.acme', 'x.db.acme', 'y.noweb.acme'];
    assert.deepEqual(all, expected);
  });

  it('lists machines matching a LIKE pattern, ordered by id', async () => {
    const s = store();
    // Subgroups match, a group merely ending in the same letters does not.
    assert.deepEqual(ids(await s.machines.listMachines('%.web.acme')), [
      'laptop.web.acme',
      'pc1.web.acme',
      'pc2.eu.web.acme',
    ]);
    assert.deepEqual(ids(await s.machines.listMachines('%.db.acme')), ['x.db.acme']);
    assert.deepEqual(ids(await s.machines.listMachines('pc_.%')), ['pc1.web.acme', 'pc2.eu.web.acme']);
    assert.deepEqual(ids(await s.machines.listMachines('x.db.acme')), ['x.db.acme']);
    assert.deepEqual(await s.machines.listMachines('%.nothing'), []);
  });
}

function machineWriterTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('ops.acme', T0);
  });

  it('creates an account no agent holds, and never overwrites an existing id', async () => {
    const s = store();
    const fresh = account('new.ops.acme', {
      checkinControl: CUSTOM_CONTROL,
      temporary: true,
      createdAt: T0 + 7,
    });
    assert.equal(await s.machines.createMachineAccount(fresh), true);
    const stored = await mustFind(s, 'new.ops.acme');
    assert.deepEqual(stored, {
      id: 'new.ops.acme',
      guid: fresh.guid,
      name: 'new',
      groupId: 'ops.acme',
      orgId: 'acme',
      publicKey: null,
      keyFingerprint: null,
      hardwareId: null,
      hostName: null,
      temporary: true,
      suspended: false,
      remoteControlEnabled: true,
      checkinControl: CUSTOM_CONTROL,
      settingsRevision: 1,
      appliedRevision: 0,
      createdAt: T0 + 7,
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
    } satisfies MachineRecord);
    const clash = account('new.ops.acme', {
      guid: 'guid-other',
      checkinControl: DEFAULT_CONTROL,
      createdAt: T0 + 8,
    });
    assert.equal(await s.machines.createMachineAccount(clash), false);
    assert.deepEqual(await mustFind(s, 'new.ops.acme'), stored);
  });

  it('sets and clears the suspended and remote-control flags', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('flags.ops.acme'));
    assert.equal(await s.machines.setSuspended('flags.ops.acme', true), true);
    assert.equal((await mustFind(s, 'flags.ops.acme')).suspended, true);
    assert.equal(await s.machines.setSuspended('flags.ops.acme', false), true);
    assert.equal((await mustFind(s, 'flags.ops.acme')).suspended, false);
    assert.equal(await s.machines.setRemoteControlEnabled('flags.ops.acme', false), true);
    assert.equal((await mustFind(s, 'flags.ops.acme')).remoteControlEnabled, false);
    assert.equal(await s.machines.setRemoteControlEnabled('flags.ops.acme', true), true);
    assert.equal((await mustFind(s, 'flags.ops.acme')).remoteControlEnabled, true);
  });

  it('reports flag changes on unknown machines as not applied', async () => {
    const s = store();
    assert.equal(await s.machines.setSuspended('ghost.ops.acme', true), false);
    assert.equal(await s.machines.setRemoteControlEnabled('ghost.ops.acme', false), false);
  });

  it('writes check-in control and bumps each settings revision', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('cc1.ops.acme'));
    await s.machines.createMachineAccount(account('cc2.ops.acme'));
    await s.machines.createMachineAccount(account('cc3.ops.acme'));
    const other: CheckinControl = { ...CUSTOM_CONTROL, periodSeconds: 60, secondary: null };
    await s.machines.updateCheckinControl([
      { id: 'cc1.ops.acme', checkinControl: CUSTOM_CONTROL },
      { id: 'cc2.ops.acme', checkinControl: other },
      { id: 'ghost.ops.acme', checkinControl: other },
    ]);
    const cc1 = await mustFind(s, 'cc1.ops.acme');
    const cc2 = await mustFind(s, 'cc2.ops.acme');
    const cc3 = await mustFind(s, 'cc3.ops.acme');
    assert.deepEqual([cc1.checkinControl, cc1.settingsRevision], [CUSTOM_CONTROL, 2]);
    assert.deepEqual([cc2.checkinControl, cc2.settingsRevision], [other, 2]);
    assert.deepEqual([cc3.checkinControl, cc3.settingsRevision], [DEFAULT_CONTROL, 1]);
    await s.machines.updateCheckinControl([{ id: 'cc1.ops.acme', checkinControl: DEFAULT_CONTROL }]);
    const again = await mustFind(s, 'cc1.ops.acme');
    assert.deepEqual([again.checkinControl, again.settingsRevision], [DEFAULT_CONTROL, 3]);
    await s.machines.updateCheckinControl([]);
    assert.equal((await mustFind(s, 'cc1.ops.acme')).settingsRevision, 3);
  });

  it('records the applied settings revision, never going backwards nor past what was sent', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('rev.ops.acme'));
    const applied = async () => (await mustFind(s, 'rev.ops.acme')).appliedRevision;
    for (let i = 0; i < 4; i++) {
      await s.machines.updateCheckinControl([{ id: 'rev.ops.acme', checkinControl: DEFAULT_CONTROL }]);
    }
    assert.equal((await mustFind(s, 'rev.ops.acme')).settingsRevision, 5);
    await s.machines.recordSettingsApplied('rev.ops.acme', 2);
    assert.equal(await applied(), 2);
    // A late acknowledgement of an older revision must not undo a newer one.
    await s.machines.recordSettingsApplied('rev.ops.acme', 1);
    assert.equal(await applied(), 2);
    // An acknowledgement of a revision never sent is ignored.
    await s.machines.recordSettingsApplied('rev.ops.acme', 6);
    assert.equal(await applied(), 2);
    await s.machines.recordSettingsApplied('rev.ops.acme', 5);
    assert.equal(await applied(), 5);
    await s.machines.recordSettingsApplied('ghost.ops.acme', 9);
  });

  it('records an audit with its time, replacing the previous one', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('audit.ops.acme'));
    await s.machines.recordAudit('audit.ops.acme', INVENTORY, T0 + 100);
    let m = await mustFind(s, 'audit.ops.acme');
    assert.deepEqual(m.audit, INVENTORY);
    assert.equal(m.auditedAt, T0 + 100);
    const next: Inventory = { ...INVENTORY, memoryBytes: 34_359_738_368, disks: [] };
    await s.machines.recordAudit('audit.ops.acme', next, T0 + 200);
    m = await mustFind(s, 'audit.ops.acme');
    assert.deepEqual(m.audit, next);
    assert.equal(m.auditedAt, T0 + 200);
  });

  it('marks a machine connected, setting the first check-in time only once', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('conn.ops.acme'));
    await s.machines.markConnected('conn.ops.acme', '192.0.2.10:50000', 'hw-a', T0 + 1000);
    let m = await mustFind(s, 'conn.ops.acme');
    assert.deepEqual(
      [m.connected, m.remoteAddress, m.hardwareId, m.firstCheckinAt, m.lastSeenAt],
      [true, '192.0.2.10:50000', 'hw-a', T0 + 1000, T0 + 1000],
    );
    await s.machines.markConnected('conn.ops.acme', '[2001:db8::1]:50001', 'hw-b', T0 + 2000);
    m = await mustFind(s, 'conn.ops.acme');
    assert.deepEqual(
      [m.connected, m.remoteAddress, m.hardwareId, m.firstCheckinAt, m.lastSeenAt],
      [true, '[2001:db8::1]:50001', 'hw-b', T0 + 1000, T0 + 2000],
    );
  });

  it('marks a machine disconnected, keeping what it last reported', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('disc.ops.acme'));
    await s.machines.createMachineAccount(account('stay.ops.acme'));
    await s.machines.markConnected('disc.ops.acme', '192.0.2.11:1', 'hw-d', T0 + 10);
    await s.machines.markConnected('stay.ops.acme', '192.0.2.12:1', 'hw-s', T0 + 10);
    await s.machines.markDisconnected('disc.ops.acme');
    const m = await mustFind(s, 'disc.ops.acme');
    assert.deepEqual(
      [m.connected, m.remoteAddress, m.firstCheckinAt, m.lastSeenAt],
      [false, '192.0.2.11:1', T0 + 10, T0 + 10],
    );
    assert.equal((await mustFind(s, 'stay.ops.acme')).connected, true);
    await s.machines.markDisconnected('ghost.ops.acme');
  });

  it('marks every machine disconnected', async () => {
    const s = store();
    for (const id of ['all1.ops.acme', 'all2.ops.acme']) {
      await s.machines.createMachineAccount(account(id));
      await s.machines.markConnected(id, '192.0.2.20:1', 'hw', T0 + 20);
    }
    await s.machines.markAllDisconnected();
    const machines = await s.machines.listMachines(null);
    assert.ok(machines.length >= 2);
    assert.deepEqual(
      machines.filter((m) => m.connected).map((m) => m.id),
      [],
    );
    assert.equal((await mustFind(s, 'all1.ops.acme')).lastSeenAt, T0 + 20);
  });

  it('deletes only temporary machines offline since before the cutoff', async () => {
    const s = store();
    await s.groups.ensureGroup('tmp.acme', T0);
    // Earlier than every other machine of this group's store, so only this test's machines are stale.
    const base = T0 - 1_000_000;
    const cutoff = base + 10_000;
    const make = async (name: string, temporary: boolean, createdAt: number) => {
      const id = `${name}.tmp.acme`;
      assert.equal(await s.machines.createMachineAccount(account(id, { temporary, createdAt })), true);
      return id;
    };
    const seen = async (id: string, at: number, stayConnected: boolean) => {
      await s.machines.markConnected(id, '192.0.2.30:1', 'hw', at);
      if (!stayConnected) await s.machines.markDisconnected(id);
    };
    const staleTemp = await make('stale', true, base);
    await seen(staleTemp, cutoff - 1, false);
    const neverSeenOld = await make('never-old', true, cutoff - 1);
    const neverSeenNew = await make('never-new', true, cutoff);
    const connectedTemp = await make('online', true, base);
    await seen(connectedTemp, cutoff - 5000, true);
    const recentTemp = await make('recent', true, base);
    await seen(recentTemp, cutoff, false);
    const permanent = await make('permanent', false, base);
    await seen(permanent, base, false);
    const permanentNeverSeen = await make('permanent-never', false, base);

    const deleted = await s.machines.deleteOfflineTemporary(cutoff);
    assert.deepEqual(sortedIds(deleted), sortedIds([staleTemp, neverSeenOld]));
    assert.deepEqual(
      ids(await s.machines.listMachines('%.tmp.acme')),
      sortedIds([neverSeenNew, connectedTemp, recentTemp, permanent, permanentNeverSeen]),
    );
    assert.deepEqual(await s.machines.deleteOfflineTemporary(cutoff), []);
  });
}

function checkinRecorderTests(store: StoreRef): void {
  const COUNT = 5000;
  const idOf = (n: number) => `m${String(n).padStart(4, '0')}.bulk.acme`;

  before(async () => {
    const s = store();
    await s.groups.ensureGroup('bulk.acme', T0);
    // A few creations at a time use a pooled backend's connections; thousands of pending
    // promises at once would make a serialized backend (SQLite) crawl under the test runner.
    let created = 0;
    for (let n = 0; n < COUNT; n += 10) {
      const slice = Array.from({ length: Math.min(10, COUNT - n) }, (_, k) => account(idOf(n + k)));
      const done = await Promise.all(slice.map((a) => s.machines.createMachineAccount(a)));
      created += done.filter(Boolean).length;
    }
    assert.equal(created, COUNT);
  });

  it(`writes a batch of ${COUNT} check-ins`, async () => {
    const s = store();
    const batch: CheckinUpdate[] = Array.from({ length: COUNT }, (_, n) => ({
      machineId: idOf(n),
      seenAt: T0 + n,
      loggedOnUser: n % 3 === 0 ? null : `CORP\\user${n}`,
      userIdleSeconds: n * 7,
      localAddresses: n % 5 === 0 ? [] : [`10.${(n >> 8) & 255}.${n & 255}.1`, `fe80::${n.toString(16)}`],
      agentVersion: `1.${n % 10}.0`,
    }));
    await s.checkins.recordCheckins(batch);
    const machines = await s.machines.listMachines('%.bulk.acme');
    assert.equal(machines.length, COUNT);
    const stored = machines.map((m) => ({
      machineId: m.id,
      seenAt: m.lastSeenAt,
      loggedOnUser: m.loggedOnUser,
      userIdleSeconds: m.userIdleSeconds,
      localAddresses: m.localAddresses,
      agentVersion: m.agentVersion,
    }));
    assert.deepEqual(stored, batch);
    // A check-in is not a connection event: those fields stay as they were.
    assert.equal(machines.filter((m) => m.connected || m.firstCheckinAt !== null).length, 0);
  });

  it('overwrites earlier values, including back to null and empty', async () => {
    const s = store();
    const id = idOf(1);
    await s.checkins.recordCheckins([
      {
        machineId: id,
        seenAt: T0 + 50_000,
        loggedOnUser: null,
        userIdleSeconds: 0,
        localAddresses: [],
        agentVersion: '2.0.0',
      },
    ]);
    const m = await mustFind(s, id);
    assert.deepEqual(
      [m.lastSeenAt, m.loggedOnUser, m.userIdleSeconds, m.localAddresses, m.agentVersion],
      [T0 + 50_000, null, 0, [], '2.0.0'],
    );
  });

  it('ignores check-ins of machines that no longer exist', async () => {
    const s = store();
    const id = idOf(2);
    await s.checkins.recordCheckins([
      {
        machineId: 'deleted.bulk.acme',
        seenAt: T0 + 60_000,
        loggedOnUser: 'x',
        userIdleSeconds: 1,
        localAddresses: [],
        agentVersion: '1',
      },
      {
        machineId: id,
        seenAt: T0 + 60_000,
        loggedOnUser: 'alice',
        userIdleSeconds: 3,
        localAddresses: ['10.0.0.2'],
        agentVersion: '3.0.0',
      },
    ]);
    assert.equal(await s.machines.findMachine('deleted.bulk.acme'), null);
    const m = await mustFind(s, id);
    assert.deepEqual([m.lastSeenAt, m.loggedOnUser, m.agentVersion], [T0 + 60_000, 'alice', '3.0.0']);
  });

  it('accepts an empty batch and changes nothing', async () => {
    const s = store();
    const before = await s.machines.listMachines('m000_.bulk.acme');
    await s.checkins.recordCheckins([]);
    assert.deepEqual(await s.machines.listMachines('m000_.bulk.acme'), before);
  });
}

function policyStoreTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('eu.web.acme', T0);
    await store().groups.ensureGroup('db.acme', T0);
  });

  it('stores, overwrites and returns policies of the groups that have one', async () => {
    const s = store();
    assert.deepEqual(await s.policies.policiesOf(['web.acme', 'eu.web.acme']), new Map());
    await s.policies.putPolicy('web.acme', { minSeconds: 10, maxSeconds: 600 });
    await s.policies.putPolicy('db.acme', { minSeconds: 1, maxSeconds: 86_400 });
    assert.deepEqual(
      await s.policies.policiesOf(['eu.web.acme', 'web.acme', 'unknown.acme']),
      new Map([['web.acme', { minSeconds: 10, maxSeconds: 600 }]]),
    );
    await s.policies.putPolicy('web.acme', { minSeconds: 30, maxSeconds: 60 });
    await s.policies.putPolicy('eu.web.acme', { minSeconds: 5, maxSeconds: 5 });
    assert.deepEqual(
      await s.policies.policiesOf(['eu.web.acme', 'web.acme', 'db.acme']),
      new Map([
        ['eu.web.acme', { minSeconds: 5, maxSeconds: 5 }],
        ['web.acme', { minSeconds: 30, maxSeconds: 60 }],
        ['db.acme', { minSeconds: 1, maxSeconds: 86_400 }],
      ]),
    );
  });

  it('returns an empty map for no groups', async () => {
    assert.deepEqual(await store().policies.policiesOf([]), new Map());
  });
}

function notificationStoreTests(store: StoreRef): void {
  it('adds a notification once per dedupe key', async () => {
    const s = store();
    const first = {
      type: 'dedupe',
      machineId: 'pc1.web.acme',
      message: 'first',
      createdAt: T0,
      dedupeKey: 'k1',
    };
    assert.equal(await s.notifications.addNotification(first), true);
    assert.equal(
      await s.notifications.addNotification({ ...first, message: 'second', createdAt: T0 + 1 }),
      false,
    );
    const listed = await s.notifications.listNotifications('dedupe');
    assert.equal(listed.length, 1);
    const [only] = listed;
    assert.equal(typeof only?.id, 'number');
    assert.deepEqual(only, {
      id: only?.id,
      type: 'dedupe',
      machineId: 'pc1.web.acme',
      message: 'first',
      createdAt: T0,
    });
  });

  it('lists newest first, optionally by type', async () => {
    const s = store();
    const add = (type: string, message: string, at: number, machineId: string | null) =>
      s.notifications.addNotification({
        type,
        machineId,
        message,
        createdAt: at,
        dedupeKey: `list-${message}`,
      });
    assert.equal(await add('offline', 'a', T0 + 10, 'a.web.acme'), true);
    assert.equal(await add('account-taken', 'b', T0 + 20, null), true);
    assert.equal(await add('offline', 'c', T0 + 30, 'c.web.acme'), true);

    const all = await s.notifications.listNotifications();
    assert.deepEqual(
      all.slice(0, 3).map((n) => [n.type, n.message, n.machineId, n.createdAt]),
      [
        ['offline', 'c', 'c.web.acme', T0 + 30],
        ['account-taken', 'b', null, T0 + 20],
        ['offline', 'a', 'a.web.acme', T0 + 10],
      ],
    );
    for (let i = 1; i < all.length; i++) assert.ok((all[i - 1]?.id ?? 0) > (all[i]?.id ?? 0), 'ids descend');
    assert.deepEqual(
      (await s.notifications.listNotifications('offline')).map((n) => n.message),
      ['c', 'a'],
    );
    assert.deepEqual(await s.notifications.listNotifications('no-such-type'), []);
  });

  it('stores per-type on/off switches', async () => {
    const s = store();
    assert.deepEqual(await s.notifications.typeSwitches(), new Map());
    await s.notifications.setTypeEnabled('offline', false);
    assert.deepEqual(await s.notifications.typeSwitches(), new Map([['offline', false]]));
    await s.notifications.setTypeEnabled('account-taken', true);
    await s.notifications.setTypeEnabled('offline', true);
    assert.deepEqual(
      await s.notifications.typeSwitches(),
      new Map([
        ['offline', true],
        ['account-taken', true],
      ]),
    );
    await s.notifications.setTypeEnabled('account-taken', false);
    assert.equal((await s.notifications.typeSwitches()).get('account-taken'), false);
  });
}

function adminTokenStoreTests(store: StoreRef): void {
  it('counts, adds and recognizes admin token hashes', async () => {
    const s = store();
    assert.equal(await s.adminTokens.countAdminTokens(), 0);
    assert.equal(await s.adminTokens.adminTokenExists('hash-1'), false);
    await s.adminTokens.addAdminToken({ id: 'tok-1', tokenHash: 'hash-1', name: 'first', createdAt: T0 });
    assert.equal(await s.adminTokens.countAdminTokens(), 1);
    assert.equal(await s.adminTokens.adminTokenExists('hash-1'), true);
    await s.adminTokens.addAdminToken({
      id: 'tok-2',
      tokenHash: 'hash-2',
      name: 'second',
      createdAt: T0 + 1,
    });
    assert.equal(await s.adminTokens.countAdminTokens(), 2);
    assert.equal(await s.adminTokens.adminTokenExists('hash-2'), true);
    assert.equal(await s.adminTokens.adminTokenExists('hash-3'), false);
    // A hash is compared whole, never by prefix.
    assert.equal(await s.adminTokens.adminTokenExists('hash-'), false);
  });
}

function identityStoreTests(store: StoreRef): void {
  it('loads nothing at first, then the saved identity, then its replacement', async () => {
    const s = store();
    assert.equal(await s.identity.loadIdentity(), null);
    const first = {
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      publicKeyDer: 'MCowBQYDK2VwAyEAfirst',
      createdAt: T0,
    };
    await s.identity.saveIdentity(first);
    assert.deepEqual(await s.identity.loadIdentity(), first);
    const second = {
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n',
      publicKeyDer: 'MCowBQYDK2VwAyEAsecond',
      createdAt: T0 + 1,
    };
    await s.identity.saveIdentity(second);
    assert.deepEqual(await s.identity.loadIdentity(), second);
  });
}
