import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { NewCommand } from '../command-record';
import { account, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

let counter = 0;
function cmd(targetId: string): NewCommand {
  counter += 1;
  return {
    id: `rm-${counter}`,
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: 'rm.acme',
    type: 'shell',
    params: { script: `echo ${counter}` },
    priority: 0,
    maxAttempts: 3,
    expiresAt: null,
  };
}

/** Conformance tests of removing machine accounts (MachineRemover). */
export function machineRemovalTests(store: StoreRef): void {
  before(async () => {
    const s = store();
    await s.groups.ensureGroup('rm.acme', T0);
    for (const id of ['gone.rm.acme', 'stays.rm.acme', 'off.rm.acme', 'loc.rm.acme', 'both.rm.acme'])
      assert.equal(await s.machines.createMachineAccount(account(id)), true, id);
  });

  it('deletes the account; never-delivered commands are canceled, delivered ones end unknown', async () => {
    const s = store();
    const q = s.commands;
    const [running, returned, waiting] = (
      await q.enqueue([cmd('gone.rm.acme'), cmd('gone.rm.acme'), cmd('gone.rm.acme')], null, T0)
    ).commands;
    const other = (await q.enqueue([cmd('stays.rm.acme')], null, T0)).commands[0];
    assert.ok(running && returned && waiting && other);
    // Deliver two; give the second back ("not now"), so it is pending again after a delivery.
    const claimed = await q.claimNext('machine', 'gone.rm.acme', T0 + 1, 60_000, 2);
    assert.deepEqual(
      claimed.claimed.map((c) => c.id),
      [running.id, returned.id],
    );
    assert.equal(
      typeof (await q.release(returned.id, 'machine', 'gone.rm.acme', T0 + 2, 'not now')),
      'object',
    );

    const result = await s.machineRemoval.removeMachine('gone.rm.acme', T0 + 10);
    assert.equal(result.kind, 'removed');
    assert.ok(result.kind === 'removed');
    assert.deepEqual(
      result.changes.map((c) => [c.id, c.status, c.at]).sort(),
      [
        [running.id, 'unknown', T0 + 10],
        [returned.id, 'unknown', T0 + 10],
        [waiting.id, 'canceled', T0 + 10],
      ].sort(),
    );
    assert.equal(await s.machines.findMachine('gone.rm.acme'), null);
    for (const [id, status] of [
      [running.id, 'unknown'],
      [returned.id, 'unknown'],
      [waiting.id, 'canceled'],
    ] as const) {
      const stored = await q.getCommand(id);
      assert.equal(stored?.status, status, id);
      assert.equal(stored?.finishedAt, T0 + 10, id);
      assert.equal(stored?.leaseExpiresAt, null, id);
      assert.match(stored?.error ?? '', /machine removed/, id);
      const transitions = await q.transitionsOf(id);
      assert.equal(transitions.at(-1)?.status, status, id);
      assert.match(transitions.at(-1)?.detail ?? '', /machine removed/, id);
    }
    // Another machine's command is untouched, and so is that machine.
    assert.equal((await q.getCommand(other.id))?.status, 'pending');
    assert.notEqual(await s.machines.findMachine('stays.rm.acme'), null);
  });

  it('answers not-found for an unknown or already removed machine and changes nothing', async () => {
    const s = store();
    assert.deepEqual(await s.machineRemoval.removeMachine('gone.rm.acme', T0 + 20), { kind: 'not-found' });
    assert.deepEqual(await s.machineRemoval.removeMachine('never.rm.acme', T0 + 20), { kind: 'not-found' });
    assert.notEqual(await s.machines.findMachine('stays.rm.acme'), null);
  });

  it("refuses to remove the offsite server of another machine's local server, then removes it once that is gone", async () => {
    const s = store();
    const r = s.replication;
    const offsite = { host: 'off.example.com', port: 5722, directory: '/srv/off', syntheticFull: false };
    assert.equal(await r.createOffsite('rm-o1', { ...offsite, machineId: 'off.rm.acme' }, T0), true);
    const local = { directory: '/backups', schedule: '0 2 * * *', bandwidthKBps: 0 };
    await r.createLocal('rm-l1', { ...local, machineId: 'loc.rm.acme', offsiteServerId: 'rm-o1' }, T0);

    assert.deepEqual(await s.machineRemoval.removeMachine('off.rm.acme', T0 + 30), {
      kind: 'offsite-in-use',
      localServerIds: ['rm-l1'],
    });
    assert.notEqual(await s.machines.findMachine('off.rm.acme'), null, 'nothing removed');
    assert.notEqual(await r.getOffsite('rm-o1'), null);

    // Removing the local server's machine takes its role along; then the offsite can go.
    assert.equal((await s.machineRemoval.removeMachine('loc.rm.acme', T0 + 31)).kind, 'removed');
    assert.equal(await r.getLocal('rm-l1'), null);
    assert.equal((await s.machineRemoval.removeMachine('off.rm.acme', T0 + 32)).kind, 'removed');
    assert.equal(await r.getOffsite('rm-o1'), null);
  });

  it('removes a machine that is both a local server and its own offsite server', async () => {
    const s = store();
    const r = s.replication;
    const fields = { host: 'both.example.com', port: 5722, directory: '/srv/off', syntheticFull: false };
    assert.equal(await r.createOffsite('rm-o2', { ...fields, machineId: 'both.rm.acme' }, T0), true);
    await r.createLocal(
      'rm-l2',
      {
        machineId: 'both.rm.acme',
        directory: '/backups',
        offsiteServerId: 'rm-o2',
        schedule: '0 2 * * *',
        bandwidthKBps: 0,
      },
      T0,
    );
    assert.equal((await s.machineRemoval.removeMachine('both.rm.acme', T0 + 40)).kind, 'removed');
    assert.equal(await r.getLocal('rm-l2'), null);
    assert.equal(await r.getOffsite('rm-o2'), null);
  });
}
