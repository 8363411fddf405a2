import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { CheckinControl, Inventory } from '@muster/protocol';
import { compileScope, type ScopeFilter } from '../../access/scope';
import type { MachineRecord } from '../machine-record';
import {
  account,
  CUSTOM_CONTROL,
  DEFAULT_CONTROL,
  enrollment,
  expectEnrolled,
  freshKey,
  INVENTORY,
  ids,
  mustFind,
  sortedIds,
  T0,
  token,
} from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

/** Conformance tests of one store interface. */
export function machineReaderTests(store: StoreRef): void {
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

  it('pages a list by id: each page starts after the last id of the one before, with the filter and scope applied', async () => {
    const s = store();
    const all = (await s.machines.listMachines(null)).map((m) => m.id);
    assert.ok(all.length >= 5, `only ${all.length} machines`);
    const paged: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await s.machines.listMachines(null, undefined, { limit: 2, ...(after ? { after } : {}) });
      assert.ok(page.length <= 2);
      paged.push(...page.map((m) => m.id));
      if (page.length < 2) break;
      after = page.at(-1)?.id;
    }
    assert.deepEqual(paged, all, 'every machine once, in id order');
    const web = await s.machines.listMachines(['%.web.acme'], undefined, {
      after: 'pc1.web.acme',
      limit: 10,
    });
    assert.deepEqual(
      web.map((m) => m.id),
      all.filter((id) => id.endsWith('.web.acme') && id > 'pc1.web.acme'),
    );
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

  it('lists the targets of a pattern (id and group only) as listMachines does, in scope', async () => {
    const s = store();
    for (const pattern of [null, '%.web.acme', ['%.db.acme', 'pc_.%'], '%.nothing'] as const) {
      const whole = await s.machines.listMachines(pattern);
      assert.deepEqual(
        await s.machines.listMachineTargets(pattern),
        whole.map((m) => ({ id: m.id, groupId: m.groupId })),
        JSON.stringify(pattern),
      );
    }
    const euOnly: ScopeFilter = {
      all: false,
      scopes: [compileScope([{ kind: 'group', id: 'eu.web.acme', include: true }])],
    };
    assert.deepEqual(await s.machines.listMachineTargets('%.web.acme', euOnly), [
      { id: 'pc2.eu.web.acme', groupId: 'eu.web.acme' },
    ]);
  });

  it('reads "\\_", "\\%" and "\\\\" in a pattern as literal characters on every backend', async () => {
    const s = store();
    // Created last so the listings above keep their expectations.
    await s.groups.ensureGroup('web.lit', T0);
    for (const id of ['pc_1.web.lit', 'pcx1.web.lit', '50%.web.lit', '50x.web.lit', 'a\\b.web.lit']) {
      assert.equal(await s.machines.createMachineAccount(account(id)), true);
    }
    assert.deepEqual(ids(await s.machines.listMachines('pc\\_1.web.lit')), ['pc_1.web.lit']);
    assert.deepEqual(ids(await s.machines.listMachines('%\\_%')), ['pc_1.web.lit']);
    assert.deepEqual(ids(await s.machines.listMachines('50\\%.%')), ['50%.web.lit']);
    assert.deepEqual(ids(await s.machines.listMachines('a\\\\b.%')), ['a\\b.web.lit']);
    // Unescaped, they stay wildcards.
    assert.deepEqual(ids(await s.machines.listMachines('pc_1.web.lit')), ['pc_1.web.lit', 'pcx1.web.lit']);
    assert.deepEqual(ids(await s.machines.listMachines('50%.web.lit')), ['50%.web.lit', '50x.web.lit']);
  });

  it('lists machines matching any of several patterns, once each', async () => {
    const s = store();
    assert.deepEqual(ids(await s.machines.listMachines(['x.db.acme', '%.eu.web.acme', '%.db.acme'])), [
      'pc2.eu.web.acme',
      'x.db.acme',
    ]);
    assert.deepEqual(await s.machines.listMachines([]), []);
  });

  it('finds the known machines among many ids in one call', async () => {
    const s = store();
    const found = await s.machines.findMachines(['x.db.acme', 'nope.acme', 'pc1.web.acme', 'pc_1.web.lit']);
    assert.deepEqual(sortedIds(ids(found)), ['pc1.web.acme', 'pc_1.web.lit', 'x.db.acme']);
    assert.equal(found.find((m) => m.id === 'x.db.acme')?.groupId, 'db.acme');
    assert.deepEqual(await s.machines.findMachines([]), []);
    // A chunk as large as the services send (1,000 ids) stays within every backend's limits.
    const many = Array.from({ length: 1000 }, (_, i) => `m${i}.none.acme`);
    many[500] = 'x.db.acme';
    assert.deepEqual(ids(await s.machines.findMachines(many)), ['x.db.acme']);
  });
}

/** Conformance tests of one store interface. */
export function machineWriterTests(store: StoreRef): void {
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
      appliedCheckinControl: null,
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
    const revisions = await s.machines.updateCheckinControl([
      { id: 'cc1.ops.acme', checkinControl: CUSTOM_CONTROL },
      { id: 'cc2.ops.acme', checkinControl: other },
      { id: 'ghost.ops.acme', checkinControl: other },
    ]);
    assert.deepEqual(revisions, [
      { id: 'cc1.ops.acme', revision: 2 },
      { id: 'cc2.ops.acme', revision: 2 },
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
    assert.deepEqual(await s.machines.updateCheckinControl([]), []);
    assert.equal((await mustFind(s, 'cc1.ops.acme')).settingsRevision, 3);
  });

  it('changes the settings of more machines than one statement takes, each its own, in order', async () => {
    const s = store();
    const many = Array.from({ length: 1100 }, (_, i) => `bulk${String(i).padStart(4, '0')}.ops.acme`);
    for (const id of many) await s.machines.createMachineAccount(account(id));
    const controlOf = (i: number): CheckinControl => ({ ...CUSTOM_CONTROL, periodSeconds: 10 + i });
    const revisions = await s.machines.updateCheckinControl(
      [...many].reverse().map((id) => ({ id, checkinControl: controlOf(Number(id.slice(4, 8))) })),
    );
    assert.deepEqual(
      revisions,
      [...many].reverse().map((id) => ({ id, revision: 2 })),
    );
    for (const i of [0, 499, 500, 1099]) {
      assert.deepEqual((await mustFind(s, many[i] as string)).checkinControl, controlOf(i));
    }
  });

  it('records the applied settings revision, never going backwards nor past what was sent', async () => {
    const s = store();
    await s.machines.createMachineAccount(account('rev.ops.acme'));
    const applied = async () => (await mustFind(s, 'rev.ops.acme')).appliedRevision;
    for (let i = 0; i < 4; i++) {
      await s.machines.updateCheckinControl([{ id: 'rev.ops.acme', checkinControl: DEFAULT_CONTROL }]);
    }
    assert.equal((await mustFind(s, 'rev.ops.acme')).settingsRevision, 5);
    // Each call says whether it changed the machine: the session publishes an event only then.
    assert.equal(await s.machines.recordSettingsApplied('rev.ops.acme', 2), true);
    assert.equal(await applied(), 2);
    // The same acknowledgement again changes nothing.
    assert.equal(await s.machines.recordSettingsApplied('rev.ops.acme', 2), false);
    // A late acknowledgement of an older revision must not undo a newer one.
    assert.equal(await s.machines.recordSettingsApplied('rev.ops.acme', 1), false);
    assert.equal(await applied(), 2);
    // An acknowledgement of a revision never sent is ignored.
    assert.equal(await s.machines.recordSettingsApplied('rev.ops.acme', 6), false);
    assert.equal(await applied(), 2);
    assert.equal(await s.machines.recordSettingsApplied('rev.ops.acme', 5), true);
    assert.equal(await applied(), 5);
    assert.equal(await s.machines.recordSettingsApplied('ghost.ops.acme', 9), false);
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
