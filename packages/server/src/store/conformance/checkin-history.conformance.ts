import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ConnectionStart } from '../checkin-history-record';
import { account, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

function start(id: string, machineId: string, at: number, nodeId = 'node-a'): ConnectionStart {
  return { id, machineId, connectedAt: at, remoteAddress: `192.0.2.${at % 200}`, nodeId };
}

/** Conformance tests of ConnectionHistoryStore. */
export function connectionHistoryTests(store: StoreRef): void {
  it('writes starts, ends and a connection begun and ended in one batch; lists newest first', async () => {
    const s = store();
    await s.groups.ensureGroup('hist.acme', T0);
    await s.machines.createMachineAccount(account('h1.hist.acme'));
    await s.connectionHistory.record(
      {
        starts: [
          start('s1', 'h1.hist.acme', T0 + 1),
          {
            ...start('s0', 'h1.hist.acme', T0),
            end: { id: 's0', disconnectedAt: T0 + 1, reason: 'replaced', checkins: 0, lastCheckinAt: null },
          },
          start('ghost', 'ghost.hist.acme', T0 + 1),
        ],
        ends: [],
      },
      100,
    );
    let page = await s.connectionHistory.listForMachine('h1.hist.acme', { limit: 10 });
    assert.equal(page.total, 2, 'a start of an unknown machine is skipped');
    assert.deepEqual(
      page.entries.map((e) => [e.id, e.reason, e.checkins]),
      [
        ['s1', null, null],
        ['s0', 'replaced', 0],
      ],
      'newest first; the open one has no count yet',
    );
    assert.equal(page.entries[0]?.remoteAddress, '192.0.2.1');
    assert.equal(page.entries[0]?.nodeId, 'node-a');
    await s.connectionHistory.record(
      {
        starts: [],
        ends: [
          { id: 's1', disconnectedAt: T0 + 90, reason: 'agent-closed', checkins: 7, lastCheckinAt: T0 + 80 },
          {
            id: 'never-began',
            disconnectedAt: T0 + 90,
            reason: 'agent-closed',
            checkins: 1,
            lastCheckinAt: null,
          },
        ],
      },
      100,
    );
    page = await s.connectionHistory.listForMachine('h1.hist.acme', { limit: 10 });
    assert.deepEqual(page.entries[0], {
      id: 's1',
      machineId: 'h1.hist.acme',
      connectedAt: T0 + 1,
      remoteAddress: '192.0.2.1',
      nodeId: 'node-a',
      disconnectedAt: T0 + 90,
      reason: 'agent-closed',
      checkins: 7,
      lastCheckinAt: T0 + 80,
    });
    // A repeated end (a retried batch) never rewrites one already written.
    await s.connectionHistory.record(
      {
        starts: [],
        ends: [{ id: 's1', disconnectedAt: T0 + 99, reason: 'x', checkins: 1, lastCheckinAt: null }],
      },
      100,
    );
    page = await s.connectionHistory.listForMachine('h1.hist.acme', { limit: 10 });
    assert.equal(page.entries[0]?.reason, 'agent-closed');
    await s.connectionHistory.record({ starts: [], ends: [] }, 100);
  });

  it('pages newest first with a keyset cursor, ties on the time ordered by id', async () => {
    const s = store();
    await s.groups.ensureGroup('page.acme', T0);
    await s.machines.createMachineAccount(account('p1.page.acme'));
    await s.machines.createMachineAccount(account('p2.page.acme'));
    const starts = Array.from({ length: 25 }, (_, n) =>
      start(`p${String(n).padStart(2, '0')}`, 'p1.page.acme', T0 + Math.floor(n / 2)),
    );
    await s.connectionHistory.record(
      { starts: [...starts, start('other', 'p2.page.acme', T0)], ends: [] },
      100,
    );
    const seen: string[] = [];
    let after: { key: string | number; id: string } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await s.connectionHistory.listForMachine('p1.page.acme', { limit: 7, after });
      assert.equal(page.total, 25, 'only this machine');
      seen.push(...page.entries.map((e) => e.id));
      if (!page.next) break;
      after = page.next;
    }
    assert.deepEqual(seen, starts.map((x) => x.id).reverse());
  });

  it('keeps the newest N entries of each machine that connects', async () => {
    const s = store();
    await s.groups.ensureGroup('keep.acme', T0);
    await s.machines.createMachineAccount(account('k1.keep.acme'));
    await s.machines.createMachineAccount(account('k2.keep.acme'));
    for (let n = 0; n < 6; n++)
      await s.connectionHistory.record({ starts: [start(`k1-${n}`, 'k1.keep.acme', T0 + n)], ends: [] }, 4);
    await s.connectionHistory.record(
      { starts: [start('k2-0', 'k2.keep.acme', T0), start('k2-1', 'k2.keep.acme', T0 + 1)], ends: [] },
      4,
    );
    const k1 = await s.connectionHistory.listForMachine('k1.keep.acme', { limit: 10 });
    assert.deepEqual(
      k1.entries.map((e) => e.id),
      ['k1-5', 'k1-4', 'k1-3', 'k1-2'],
    );
    assert.equal((await s.connectionHistory.listForMachine('k2.keep.acme', { limit: 10 })).total, 2);
  });

  it("ends a killed node's open connections, and only that node's; history goes with its machine", async () => {
    const s = store();
    await s.groups.ensureGroup('lost.acme', T0);
    await s.machines.createMachineAccount(account('l1.lost.acme'));
    await s.connectionHistory.record(
      {
        starts: [
          start('l-killed', 'l1.lost.acme', T0 + 2, 'node-killed'),
          start('l-alive', 'l1.lost.acme', T0 + 3, 'node-alive'),
          {
            ...start('l-done', 'l1.lost.acme', T0 + 1, 'node-killed'),
            end: {
              id: 'l-done',
              disconnectedAt: T0 + 2,
              reason: 'agent-closed',
              checkins: 3,
              lastCheckinAt: T0 + 2,
            },
          },
        ],
        ends: [],
      },
      100,
    );
    assert.equal(await s.connectionHistory.closeLeftOpen('node-killed', T0 + 50), 1);
    assert.equal(await s.connectionHistory.closeLeftOpen('node-killed', T0 + 60), 0);
    const page = await s.connectionHistory.listForMachine('l1.lost.acme', { limit: 10 });
    assert.deepEqual(
      page.entries.map((e) => [e.id, e.reason, e.disconnectedAt]),
      [
        ['l-alive', null, null],
        ['l-killed', 'node-lost', T0 + 50],
        ['l-done', 'agent-closed', T0 + 2],
      ],
    );
    await s.machineRemoval.removeMachine('l1.lost.acme', T0 + 70);
    assert.equal((await s.connectionHistory.listForMachine('l1.lost.acme', { limit: 10 })).total, 0);
  });
}
