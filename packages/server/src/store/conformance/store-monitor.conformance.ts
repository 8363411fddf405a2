import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { NewCommand } from '../command-record';
import type { StoreRef } from './store-conformance';

const T0 = 1_900_000_000_000;
let counter = 0;

function cmd(targetId: string, type: string): NewCommand {
  counter += 1;
  return {
    id: `mon${counter}`,
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: 'mon.acme',
    type,
    params: {},
    priority: 0,
    maxAttempts: 2,
    expiresAt: null,
  };
}

/** The store monitor's contract (health and metrics), run against every backend. */
export function storeMonitorTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('mon.acme', T0);
  });

  it('answers a ping while the store is up', async () => {
    await store().monitoring.ping();
  });

  it('counts pending and processing commands by status and type, largest first, as numbers', async () => {
    const s = store();
    assert.deepEqual(await s.monitoring.queueDepth(10), []);
    await s.commands.enqueue(
      [
        cmd('a.mon.acme', 'shell'),
        cmd('a.mon.acme', 'shell'),
        cmd('b.mon.acme', 'shell'),
        cmd('a.mon.acme', 'audit'),
      ],
      null,
      T0,
    );
    await s.commands.claimNext('machine', 'b.mon.acme', T0, 60_000, 1, null);
    const canceled = await s.commands.enqueue([cmd('c.mon.acme', 'reboot')], null, T0);
    await s.commands.cancel(canceled.commands[0]?.id as string, T0);
    assert.deepEqual(await s.monitoring.queueDepth(10), [
      { status: 'pending', type: 'shell', count: 2 },
      { status: 'pending', type: 'audit', count: 1 },
      { status: 'processing', type: 'shell', count: 1 },
    ]);
    assert.deepEqual(await s.monitoring.queueDepth(1), [{ status: 'pending', type: 'shell', count: 2 }]);
  });
}
