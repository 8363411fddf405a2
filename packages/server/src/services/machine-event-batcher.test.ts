import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CheckinControl } from '@muster/protocol';
import { MAX_MACHINE_EVENTS_PER_EVENT } from '../bus/bus';
import type { MachineEvent } from '../bus/live-events';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile, type TestSqliteFile } from '../test-support/sqlite';
import { applyCheckin, type LiveMachineFacts, MachineEventBatcher } from './machine-event-batcher';

const CONTROL: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: true,
  bandwidthKBps: 0,
};
const T0 = 1_700_000_000_000;

/** A batcher over the real store, with the live sessions and the clock the test sets. */
function batcherOf(store: StoreBackend, live: Map<string, LiveMachineFacts>, windowMs = 20) {
  const published: MachineEvent[][] = [];
  const errors: unknown[] = [];
  const batcher = new MachineEventBatcher(
    {
      machines: store.machines,
      live: (id) => live.get(id),
      clock: () => T0 + 5000,
      onError: (error) => errors.push(error),
    },
    async (chunks) => void published.push(...chunks),
    windowMs,
  );
  return { batcher, published, errors };
}

const facts = (over: Partial<LiveMachineFacts> = {}): LiveMachineFacts => ({
  connectedAt: T0,
  lastSeenAt: T0 + 1000,
  loggedOnUser: 'ann',
  userIdleSeconds: 0,
  agentVersion: '1.2.3',
  remoteAddress: '192.0.2.7',
  ...over,
});

describe('machine event batcher', () => {
  let sqlite: TestSqliteFile;
  let store: StoreBackend;
  const ids = Array.from({ length: 30 }, (_, i) => `pc${i}.web.acme`);

  before(async () => {
    sqlite = createTestSqliteFile();
    store = await openSqlStore({ sqliteFile: sqlite.file });
    await store.groups.ensureGroup('web.acme', T0);
    for (const id of ids) {
      const created = await store.machines.createMachineAccount({
        id,
        guid: `guid-${id}`,
        name: id.slice(0, id.indexOf('.')),
        groupId: 'web.acme',
        temporary: false,
        checkinControl: CONTROL,
        createdAt: T0,
      });
      assert.ok(created);
    }
  });
  after(async () => {
    await store.close();
    sqlite.cleanup();
  });

  it('a session the store has not seen yet reads online, with what the session knows', async () => {
    const live = new Map([['pc0.web.acme', facts()]]);
    const { batcher, published, errors } = batcherOf(store, live);
    batcher.note('pc0.web.acme', 'connected', T0 + 10);
    await batcher.stop();
    assert.deepEqual(errors, []);
    // Never written as connected, never audited: the store alone would say never-checked-in.
    assert.deepEqual(published, [
      [
        {
          type: 'machine',
          machineId: 'pc0.web.acme',
          change: 'connected',
          status: 'online-awaiting-audit',
          at: new Date(T0 + 10).toISOString(),
          machine: {
            status: 'online-awaiting-audit',
            online: true,
            temporary: false,
            bound: true,
            suspended: false,
            remoteControlEnabled: true,
            loggedOnUser: 'ann',
            userIdleSeconds: 0,
            lastCheckinAt: new Date(T0 + 1000).toISOString(),
            firstCheckinAt: new Date(T0).toISOString(),
            settingsApplied: false,
            pendingSettings: ['primary', 'secondary', 'periodSeconds', 'bindToServer', 'bandwidthKBps'],
            connectedFrom: '192.0.2.7',
            agentVersion: '1.2.3',
          },
        },
      ],
    ]);
  });

  it('a machine whose session just ended reads offline though the store still says connected', async () => {
    await store.checkins.recordConnections([
      { machineId: 'pc1.web.acme', connected: true, recordedBy: 'node-a', at: T0 + 4000 },
    ]);
    const { batcher, published } = batcherOf(store, new Map());
    batcher.note('pc1.web.acme', 'disconnected', T0 + 4500);
    await batcher.stop();
    const [event] = published.flat();
    assert.equal(event?.change, 'disconnected');
    assert.equal(event?.status, 'offline');
    assert.equal(event?.machine?.online, false);
    assert.equal(event?.machine?.loggedOnUser, null, 'an offline machine shows no logged-on user');
  });

  it('a session that ended before the store recorded it reads offline with what it knew, not never-checked-in', async () => {
    const { batcher, published } = batcherOf(store, new Map());
    batcher.note('pc7.web.acme', 'connected', T0, facts());
    batcher.note('pc7.web.acme', 'disconnected', T0 + 900, facts({ lastSeenAt: T0 + 800 }));
    await batcher.stop();
    const [event] = published.flat();
    assert.deepEqual(
      {
        change: event?.change,
        status: event?.status,
        online: event?.machine?.online,
        firstCheckinAt: event?.machine?.firstCheckinAt,
        lastCheckinAt: event?.machine?.lastCheckinAt,
        connectedFrom: event?.machine?.connectedFrom,
      },
      {
        change: 'disconnected',
        status: 'offline',
        online: false,
        firstCheckinAt: new Date(T0).toISOString(),
        lastCheckinAt: new Date(T0 + 800).toISOString(),
        connectedFrom: '192.0.2.7',
      },
    );
  });

  it("coalesces a machine's changes of one window into one event; a detail never hides a state change", async () => {
    const live = new Map([
      ['pc2.web.acme', facts()],
      ['pc3.web.acme', facts()],
    ]);
    const { batcher, published } = batcherOf(store, live, 60_000);
    batcher.note('pc2.web.acme', 'connected', T0 + 1);
    batcher.note('pc2.web.acme', 'checked-in', T0 + 2);
    batcher.note('pc2.web.acme', 'audited', T0 + 3);
    batcher.note('pc3.web.acme', 'checked-in', T0 + 1);
    batcher.note('pc3.web.acme', 'settings-applied', T0 + 2);
    await batcher.stop();
    const events = published.flat();
    assert.deepEqual(
      events.map((e) => [e.machineId, e.change, e.at]),
      [
        ['pc2.web.acme', 'connected', new Date(T0 + 3).toISOString()],
        ['pc3.web.acme', 'settings-applied', new Date(T0 + 2).toISOString()],
      ],
    );
  });

  it('publishes many changes in bus-sized batches, and one window after the first change', async () => {
    const { batcher, published } = batcherOf(store, new Map(), 50);
    const started = Date.now();
    for (const id of ids) batcher.note(id, 'disconnected', T0);
    batcher.note('gone.web.acme', 'disconnected', T0);
    while (published.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(Date.now() - started >= 45, 'waited for the window');
    await batcher.stop();
    assert.deepEqual(
      published.map((b) => b.length),
      [
        MAX_MACHINE_EVENTS_PER_EVENT,
        MAX_MACHINE_EVENTS_PER_EVENT,
        ids.length - 2 * MAX_MACHINE_EVENTS_PER_EVENT,
      ],
    );
    // An unknown (deleted) machine has no event: its removal has its own.
    assert.deepEqual(
      published
        .flat()
        .map((e) => e.machineId)
        .sort(),
      [...ids].sort(),
    );
  });

  it('takes no more changes once stopped', async () => {
    const { batcher, published } = batcherOf(store, new Map(), 5);
    await batcher.stop();
    batcher.note('pc4.web.acme', 'disconnected', T0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await batcher.flush();
    assert.deepEqual(published, []);
  });

  it('a failed read is reported and later windows still publish', async () => {
    const errors: unknown[] = [];
    const published: MachineEvent[] = [];
    let fail = true;
    const batcher = new MachineEventBatcher(
      {
        machines: {
          findMachines: (list) =>
            fail ? Promise.reject(new Error('store away')) : store.machines.findMachines(list),
        },
        live: () => undefined,
        clock: () => T0,
        onError: (error) => errors.push(error),
      },
      async (chunks) => void published.push(...chunks.flat()),
      5,
    );
    batcher.note('pc5.web.acme', 'suspended', T0);
    await batcher.flush();
    fail = false;
    batcher.note('pc6.web.acme', 'resumed', T0);
    await batcher.stop();
    assert.equal(errors.length, 1);
    assert.deepEqual(
      published.map((e) => e.machineId),
      ['pc6.web.acme'],
    );
  });
});

describe('check-ins and the machine row', () => {
  it('a check-in changes the row when the user, idleness or agent version changes, and only then', () => {
    const live = facts({ loggedOnUser: 'ann', userIdleSeconds: 10 });
    assert.equal(
      applyCheckin(live, { loggedOnUser: 'ann', userIdleSeconds: 70, agentVersion: '1.2.3' }, 1),
      false,
    );
    assert.equal(live.lastSeenAt, 1);
    assert.equal(live.userIdleSeconds, 70);
    assert.equal(
      applyCheckin(live, { loggedOnUser: 'ann', userIdleSeconds: 600, agentVersion: '1.2.3' }, 2),
      true,
    );
    assert.equal(
      applyCheckin(live, { loggedOnUser: 'ann', userIdleSeconds: 900, agentVersion: '1.2.3' }, 3),
      false,
    );
    assert.equal(
      applyCheckin(live, { loggedOnUser: 'bob', userIdleSeconds: 900, agentVersion: '1.2.3' }, 4),
      true,
    );
    assert.equal(
      applyCheckin(live, { loggedOnUser: 'bob', userIdleSeconds: 900, agentVersion: '1.3.0' }, 5),
      true,
    );
    assert.equal(
      applyCheckin(live, { loggedOnUser: null, userIdleSeconds: 0, agentVersion: '1.3.0' }, 6),
      true,
    );
    assert.deepEqual(live, {
      ...facts(),
      lastSeenAt: 6,
      loggedOnUser: null,
      userIdleSeconds: 0,
      agentVersion: '1.3.0',
    });
  });
});
