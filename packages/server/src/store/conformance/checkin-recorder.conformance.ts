import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { CheckinUpdate, ConnectionUpdate } from '../machine-record';
import { account, mustFind, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

/** Conformance tests of one store interface. */
export function checkinRecorderTests(store: StoreRef): void {
  it('writes session starts and ends in one batch', async () => {
    const s = store();
    await s.groups.ensureGroup('conn.acme', T0);
    await s.machines.createMachineAccount(account('conn1.conn.acme'));
    await s.machines.createMachineAccount(account('conn2.conn.acme'));
    await s.checkins.recordConnections([
      {
        machineId: 'conn1.conn.acme',
        connected: true,
        recordedBy: 'node-a',
        at: T0 + 5,
        remoteAddress: '192.0.2.9',
        hardwareId: 'hw-c1',
      },
      { machineId: 'conn2.conn.acme', connected: true, recordedBy: 'node-a', at: T0 + 6 },
      { machineId: 'ghost.conn.acme', connected: true, recordedBy: 'node-a', at: T0 + 6 },
    ]);
    const c1 = await mustFind(s, 'conn1.conn.acme');
    assert.equal(c1.connected, true);
    assert.equal(c1.firstCheckinAt, T0 + 5);
    assert.equal(c1.lastSeenAt, T0 + 5);
    assert.equal(c1.remoteAddress, '192.0.2.9');
    assert.equal(c1.hardwareId, 'hw-c1');
    await s.checkins.recordConnections([
      { machineId: 'conn1.conn.acme', connected: false, recordedBy: 'node-a', at: T0 + 9 },
      {
        machineId: 'conn2.conn.acme',
        connected: true,
        recordedBy: 'node-a',
        at: T0 + 9,
        remoteAddress: '192.0.2.10',
      },
    ]);
    const after1 = await mustFind(s, 'conn1.conn.acme');
    assert.equal(after1.connected, false);
    assert.equal(after1.remoteAddress, '192.0.2.9', 'an end keeps the last address');
    const after2 = await mustFind(s, 'conn2.conn.acme');
    assert.equal(after2.firstCheckinAt, T0 + 6, 'the first check-in is set once');
    assert.equal(after2.remoteAddress, '192.0.2.10');
    await s.checkins.recordConnections([]);
  });

  it("clears the connected flags one node holds, and only that node's", async () => {
    const s = store();
    await s.groups.ensureGroup('rel.acme', T0);
    for (const id of ['rel1.rel.acme', 'rel2.rel.acme', 'rel3.rel.acme', 'rel4.rel.acme'])
      await s.machines.createMachineAccount(account(id));
    await s.checkins.recordConnections([
      { machineId: 'rel1.rel.acme', connected: true, recordedBy: 'node-killed', at: T0 + 1 },
      { machineId: 'rel2.rel.acme', connected: true, recordedBy: 'node-killed', at: T0 + 1 },
      { machineId: 'rel3.rel.acme', connected: true, recordedBy: 'node-alive', at: T0 + 1 },
    ]);
    // rel4 was held by the killed node and has moved on to the live one since.
    await s.checkins.recordConnections([
      { machineId: 'rel4.rel.acme', connected: true, recordedBy: 'node-killed', at: T0 + 1 },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'rel4.rel.acme', connected: true, recordedBy: 'node-alive', at: T0 + 2 },
    ]);
    assert.equal(await s.checkins.releaseConnections('node-killed'), 2);
    const connected = async (id: string) => (await mustFind(s, id)).connected;
    assert.equal(await connected('rel1.rel.acme'), false);
    assert.equal(await connected('rel2.rel.acme'), false);
    assert.equal(await connected('rel3.rel.acme'), true, "another node's session stays");
    assert.equal(await connected('rel4.rel.acme'), true, 'a machine now on another node stays');
    assert.equal((await mustFind(s, 'rel1.rel.acme')).lastSeenAt, T0 + 1, 'its last check-in is kept');
    assert.equal(await s.checkins.releaseConnections('node-killed'), 0, 'nothing left to clear');
    // The live node's later end still clears its own flag.
    await s.checkins.recordConnections([
      { machineId: 'rel3.rel.acme', connected: false, recordedBy: 'node-alive', at: T0 + 3 },
    ]);
    assert.equal(await connected('rel3.rel.acme'), false);
  });

  it('counts a session that began and ended within one batch as a check-in', async () => {
    const s = store();
    await s.groups.ensureGroup('brief.acme', T0);
    await s.machines.createMachineAccount(account('brief1.brief.acme'));
    await s.checkins.recordConnections([
      {
        machineId: 'brief1.brief.acme',
        connected: false,
        recordedBy: 'node-a',
        at: T0 + 20,
        connectedAt: T0 + 12,
        remoteAddress: '192.0.2.7',
      },
    ]);
    const m = await mustFind(s, 'brief1.brief.acme');
    assert.equal(m.connected, false);
    assert.equal(m.firstCheckinAt, T0 + 12, 'its start is the first check-in');
    assert.equal(m.lastSeenAt, T0 + 12);
    assert.equal(m.remoteAddress, '192.0.2.7');
  });

  it('a late end from a node the agent left does not mark offline the session another node holds', async () => {
    const s = store();
    await s.groups.ensureGroup('move.acme', T0);
    for (const id of ['moved.move.acme', 'brief.move.acme', 'gone.move.acme'])
      await s.machines.createMachineAccount(account(id));
    // Welcomed by node A, then by node B (A's session broke), and only then A's end arrives.
    await s.checkins.recordConnections([
      { machineId: 'moved.move.acme', connected: true, recordedBy: 'node-a', at: T0 + 1 },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'moved.move.acme', connected: true, recordedBy: 'node-b', at: T0 + 2 },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'moved.move.acme', connected: false, recordedBy: 'node-a', at: T0 + 3 },
    ]);
    assert.equal((await mustFind(s, 'moved.move.acme')).connected, true, 'node B still holds it');
    // B's own end does clear it; so does an end once nobody holds the flag.
    await s.checkins.recordConnections([
      { machineId: 'moved.move.acme', connected: false, recordedBy: 'node-b', at: T0 + 4 },
    ]);
    assert.equal((await mustFind(s, 'moved.move.acme')).connected, false);

    // A session on A that began and ended within one of A's batches, written after B welcomed
    // the agent: it counts as a check-in but leaves B's flag alone.
    await s.checkins.recordConnections([
      { machineId: 'brief.move.acme', connected: true, recordedBy: 'node-b', at: T0 + 10 },
    ]);
    await s.checkins.recordConnections([
      {
        machineId: 'brief.move.acme',
        connected: false,
        recordedBy: 'node-a',
        at: T0 + 12,
        connectedAt: T0 + 11,
      },
    ]);
    const brief = await mustFind(s, 'brief.move.acme');
    assert.equal(brief.connected, true);
    assert.equal(brief.lastSeenAt, T0 + 11);

    // The same node's later session takes over its earlier one, and its end clears the flag.
    await s.checkins.recordConnections([
      { machineId: 'gone.move.acme', connected: true, recordedBy: 'node-a', at: T0 + 20 },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'gone.move.acme', connected: false, recordedBy: 'node-a', at: T0 + 21 },
    ]);
    assert.equal((await mustFind(s, 'gone.move.acme')).connected, false);
  });

  it('a late start from a node the agent has left does not take the flag from the node that welcomed it since', async () => {
    const s = store();
    await s.groups.ensureGroup('late.acme', T0);
    for (const id of ['late.late.acme', 'newer.late.acme'])
      await s.machines.createMachineAccount(account(id));
    // A welcomed the agent first, but its batch with that start was written after B's start
    // (A slow under a storm): the older start must not take B's flag, and A's end then leaves
    // the agent connected on B.
    await s.checkins.recordConnections([
      {
        machineId: 'late.late.acme',
        connected: true,
        recordedBy: 'node-b',
        at: T0 + 2,
        remoteAddress: '192.0.2.2',
      },
    ]);
    await s.checkins.recordConnections([
      {
        machineId: 'late.late.acme',
        connected: true,
        recordedBy: 'node-a',
        at: T0 + 1,
        remoteAddress: '192.0.2.1',
      },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'late.late.acme', connected: false, recordedBy: 'node-a', at: T0 + 3 },
    ]);
    const late = await mustFind(s, 'late.late.acme');
    assert.equal(late.connected, true, 'node B still holds it');
    assert.equal(late.lastSeenAt, T0 + 2, 'last seen does not go back to the late start');
    assert.equal(late.remoteAddress, '192.0.2.2', "B's session's address stays");

    // A newer start from another node does take the flag, as before.
    await s.checkins.recordConnections([
      { machineId: 'newer.late.acme', connected: true, recordedBy: 'node-b', at: T0 + 2 },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'newer.late.acme', connected: true, recordedBy: 'node-a', at: T0 + 5 },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'newer.late.acme', connected: false, recordedBy: 'node-b', at: T0 + 6 },
    ]);
    const newer = await mustFind(s, 'newer.late.acme');
    assert.equal(newer.connected, true, 'node A holds it now');
    assert.equal(newer.lastSeenAt, T0 + 5);
  });

  it("orders an agent's sessions by its attempts, not by when the nodes welcomed or last saw it", async () => {
    const s = store();
    await s.groups.ensureGroup('order.acme', T0);
    for (const id of ['back.order.acme', 'zombie.order.acme'])
      await s.machines.createMachineAccount(account(id));
    const seen = (machineId: string, at: number): CheckinUpdate => ({
      machineId,
      seenAt: at,
      loggedOnUser: null,
      userIdleSeconds: 0,
      localAddresses: [],
      agentVersion: '1.0.0',
    });
    const connected = async (id: string) => (await mustFind(s, id)).connected;

    // Going back to its primary (A): on its secondary (B) since T0 + 1, the agent began its
    // attempt on A at T0 + 4, A welcomed it at T0 + 5, and the agent checked in on B once more
    // at T0 + 10 (B's write came first); then it left B.
    await s.checkins.recordConnections([
      { machineId: 'back.order.acme', connected: true, recordedBy: 'order-b', at: T0 + 1, attemptAt: T0 },
    ]);
    await s.checkins.recordCheckins([seen('back.order.acme', T0 + 10)]);
    await s.checkins.recordConnections([
      {
        machineId: 'back.order.acme',
        connected: true,
        recordedBy: 'order-a',
        at: T0 + 5,
        attemptAt: T0 + 4,
        remoteAddress: '192.0.2.5',
      },
    ]);
    await s.checkins.recordConnections([
      { machineId: 'back.order.acme', connected: false, recordedBy: 'order-b', at: T0 + 11 },
    ]);
    const back = await mustFind(s, 'back.order.acme');
    assert.equal(back.connected, true, 'node A holds it: the agent attempted it last');
    assert.equal(back.remoteAddress, '192.0.2.5');
    assert.equal(back.lastSeenAt, T0 + 10, 'last seen does not go back to the start');

    // An attempt given up on: the agent's attempt on X (T0 + 20) timed out, it went to N (T0 + 21)
    // and N welcomed it at T0 + 22; X, slow, welcomed the abandoned attempt only at T0 + 25 and
    // wrote its end once it noticed the agent had gone. Either order of the writes leaves the
    // agent connected on N.
    const zombieStart: ConnectionUpdate = {
      machineId: 'zombie.order.acme',
      connected: true,
      recordedBy: 'order-x',
      at: T0 + 25,
      attemptAt: T0 + 20,
    };
    const zombieEnd: ConnectionUpdate = {
      machineId: 'zombie.order.acme',
      connected: false,
      recordedBy: 'order-x',
      at: T0 + 26,
    };
    const live: ConnectionUpdate = {
      machineId: 'zombie.order.acme',
      connected: true,
      recordedBy: 'order-n',
      at: T0 + 22,
      attemptAt: T0 + 21,
    };
    await s.checkins.recordConnections([live]);
    await s.checkins.recordConnections([zombieStart]);
    await s.checkins.recordConnections([zombieEnd]);
    assert.equal(await connected('zombie.order.acme'), true, 'N wrote first');
    await s.checkins.recordConnections([{ ...live, connected: false, at: T0 + 30 }]);
    assert.equal(await connected('zombie.order.acme'), false);
    await s.checkins.recordConnections([zombieStart]);
    await s.checkins.recordConnections([{ ...live, at: T0 + 32 }]);
    await s.checkins.recordConnections([zombieEnd]);
    assert.equal(await connected('zombie.order.acme'), true, 'X wrote its start first');

    // Released by N's restart, the flag is free: any start takes it.
    assert.equal(await s.checkins.releaseConnections('order-n'), 1);
    await s.checkins.recordConnections([zombieStart]);
    assert.equal(await connected('zombie.order.acme'), true);
  });

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
