import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { LocalReport } from '../replication-record';
import { account, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

const offsite = {
  machineId: 'off.rep.acme',
  host: 'offsite.example.com',
  port: 5722,
  directory: '/srv/offsite',
  syntheticFull: false,
};
const local = {
  machineId: 'loc.rep.acme',
  directory: '/backups',
  offsiteServerId: 'o1',
  schedule: '0 2 * * *',
  bandwidthKBps: 0,
};
const report: LocalReport = {
  running: true,
  state: 'idle',
  active: true,
  error: null,
  lastContactAt: T0,
  lastTransferAt: T0,
  bytesRemaining: 0,
  rateBytesPerSecond: 0,
  etaSeconds: null,
  nextRunAt: T0 + 1000,
  lastPass: {
    at: T0,
    complete: true,
    filesSent: 2,
    bytesSent: 1234,
    literalBytes: 1000,
    matchedBytes: 5000,
    resumedBytes: 0,
    durationMs: 40,
  },
};

/** Conformance tests of the replication store. */
export function replicationStoreTests(store: StoreRef): void {
  before(async () => {
    const s = store();
    await s.groups.ensureGroup('rep.acme', T0);
    await s.machines.createMachineAccount(account('off.rep.acme'));
    await s.machines.createMachineAccount(account('loc.rep.acme'));
  });

  it('keeps one offsite server per machine and port, and edits it', async () => {
    const r = store().replication;
    assert.equal(await r.createOffsite('o1', offsite, T0), true);
    assert.equal(await r.createOffsite('o2', offsite, T0), false, 'same machine, same port');
    assert.equal(await r.createOffsite('o2', { ...offsite, port: 5723, syntheticFull: true }, T0 + 1), true);
    assert.equal(
      await r.updateOffsite('o2', { ...offsite, port: 5722 }, T0 + 2),
      false,
      'moving onto a taken port',
    );
    assert.equal(await r.updateOffsite('o2', { ...offsite, port: 5724, syntheticFull: true }, T0 + 2), true);
    assert.equal(await r.updateOffsite('nope', offsite, T0), false);
    const o2 = await r.getOffsite('o2');
    assert.deepEqual([o2?.port, o2?.syntheticFull, o2?.updatedAt, o2?.report], [5724, true, T0 + 2, null]);
    assert.deepEqual(
      (await r.listOffsite()).map((o) => o.id),
      ['o1', 'o2'],
    );
    assert.equal(
      await r.reportOffsite(
        'o2',
        'loc.rep.acme',
        { running: true, error: null, freeBytes: 1, sessions: 0, lastVerification: null },
        T0,
      ),
      false,
      'only its own agent reports',
    );
    assert.equal(
      await r.reportOffsite(
        'o2',
        'off.rep.acme',
        { running: true, error: null, freeBytes: 99, sessions: 1, lastVerification: null },
        T0 + 3,
      ),
      true,
    );
    assert.deepEqual(
      [(await r.getOffsite('o2'))?.report?.freeBytes, (await r.getOffsite('o2'))?.reportedAt],
      [99, T0 + 3],
    );
  });

  it('stores local servers, their reports and inactivity, and guards offsite deletion', async () => {
    const r = store().replication;
    await r.createLocal('l1', local, T0);
    await r.createLocal('l2', { ...local, offsiteServerId: 'o2' }, T0 + 1);
    assert.deepEqual(
      (await r.listLocal()).map((l) => l.id),
      ['l1', 'l2'],
    );
    assert.deepEqual(
      (await r.listLocal('o1')).map((l) => l.id),
      ['l1'],
    );
    assert.equal(
      await r.updateLocal('l1', { ...local, bandwidthKBps: 512, schedule: '*/5 * * * *' }, T0 + 5),
      true,
    );
    assert.deepEqual(
      [(await r.getLocal('l1'))?.bandwidthKBps, (await r.getLocal('l1'))?.schedule],
      [512, '*/5 * * * *'],
    );
    assert.equal(await r.reportLocal('l1', 'off.rep.acme', report, T0), false, 'only its own agent reports');
    assert.equal(await r.reportLocal('l1', 'loc.rep.acme', report, T0 + 6), true);
    assert.deepEqual((await r.getLocal('l1'))?.report, report);
    await r.markInactiveSince('l1', T0 + 7);
    assert.equal((await r.getLocal('l1'))?.inactiveSince, T0 + 7);
    await r.markInactiveSince('l1', null);
    assert.equal((await r.getLocal('l1'))?.inactiveSince, null);
    assert.equal(await r.deleteOffsite('o1'), 'in-use');
    assert.equal(await r.deleteLocal('l1'), true);
    assert.equal(await r.deleteLocal('l1'), false);
    assert.equal(await r.deleteOffsite('o1'), 'deleted');
    assert.equal(await r.deleteOffsite('o1'), 'not-found');
    assert.equal(await r.getLocal('nope'), null);
  });
}
