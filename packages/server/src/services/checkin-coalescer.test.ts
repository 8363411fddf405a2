import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckinRecorder } from '../store/interfaces';

/** What the coalescer writes through. */
type Recorder = Pick<CheckinRecorder, 'recordCheckins' | 'recordConnections'>;

import type { ConnectionHistoryBatch } from '../store/checkin-history-record';
import type { CheckinUpdate, ConnectionUpdate } from '../store/machine-record';
import { CheckinCoalescer } from './checkin-coalescer';

const update = (machineId: string, seenAt: number): CheckinUpdate => ({
  machineId,
  seenAt,
  loggedOnUser: null,
  userIdleSeconds: 0,
  localAddresses: [],
  agentVersion: 't',
});

describe('check-in coalescer', () => {
  it('writes the newest state per machine in one batch per flush', async () => {
    const batches: CheckinUpdate[][] = [];
    const recorder: Recorder = {
      recordCheckins: async (b) => void batches.push([...b]),
      recordConnections: async () => {},
    };
    const c = new CheckinCoalescer(recorder, 1000, () => {});
    for (let i = 0; i < 1000; i++) c.record(update(`m${i % 10}`, i));
    await c.flush();
    assert.equal(batches.length, 1, 'one write for a thousand check-ins');
    assert.equal(batches[0]?.length, 10);
    assert.equal(batches[0]?.find((u) => u.machineId === 'm3')?.seenAt, 993);
    await c.flush();
    assert.equal(batches.length, 1, 'nothing pending, nothing written');
  });

  it('signs every session start and end with this node run, which no other coalescer shares', async () => {
    const written: ConnectionUpdate[] = [];
    const recorder: Recorder = {
      recordCheckins: async () => {},
      recordConnections: async (b) => void written.push(...b),
    };
    const a = new CheckinCoalescer(recorder, 1000, () => {});
    const b = new CheckinCoalescer(recorder, 1000, () => {});
    assert.notEqual(a.recordedBy, b.recordedBy);
    assert.match(a.recordedBy, /^[A-Za-z0-9_-]{12}$/);
    a.connection({ machineId: 'm1', connected: true, at: 1 });
    b.connection({ machineId: 'm2', connected: false, at: 2 });
    await a.flush();
    await b.flush();
    assert.deepEqual(
      written.map((u) => [u.machineId, u.recordedBy]),
      [
        ['m1', a.recordedBy],
        ['m2', b.recordedBy],
      ],
    );
  });

  it('keeps a failed batch for the next flush unless newer state arrived', async () => {
    let fail = true;
    const written: CheckinUpdate[] = [];
    const errors: unknown[] = [];
    const recorder: Recorder = {
      recordConnections: async () => {},
      async recordCheckins(b) {
        if (fail) throw new Error('database away');
        written.push(...b);
      },
    };
    const c = new CheckinCoalescer(recorder, 1000, (e) => errors.push(e));
    c.record(update('a', 1));
    c.record(update('b', 1));
    await c.flush();
    assert.equal(errors.length, 1);
    c.record(update('b', 2));
    fail = false;
    await c.stop();
    assert.deepEqual(written.map((u) => [u.machineId, u.seenAt]).sort(), [
      ['a', 1],
      ['b', 2],
    ]);
  });
});

describe('connection coalescing', () => {
  it('an end that replaces a start not yet written carries the start', async () => {
    const written: ConnectionUpdate[] = [];
    const recorder: Recorder = {
      recordCheckins: async () => {},
      recordConnections: async (b) => void written.push(...b),
    };
    const c = new CheckinCoalescer(recorder, 1000, () => {}, 'node-a');
    c.connection({ machineId: 'a', connected: true, at: 10, remoteAddress: '192.0.2.1', hardwareId: 'hw' });
    c.connection({ machineId: 'a', connected: false, at: 15 });
    c.connection({ machineId: 'b', connected: false, at: 15 });
    await c.flush();
    assert.deepEqual(
      written.sort((x, y) => x.machineId.localeCompare(y.machineId)),
      [
        {
          machineId: 'a',
          connected: false,
          at: 15,
          connectedAt: 10,
          remoteAddress: '192.0.2.1',
          hardwareId: 'hw',
          recordedBy: 'node-a',
        },
        { machineId: 'b', connected: false, at: 15, recordedBy: 'node-a' },
      ],
    );
  });

  it('writes session starts and ends with the batch, the latest per machine, before the check-ins', async () => {
    const calls: string[] = [];
    const connections: ConnectionUpdate[][] = [];
    const recorder: Recorder = {
      async recordConnections(b) {
        calls.push('connections');
        connections.push([...b]);
      },
      async recordCheckins() {
        calls.push('checkins');
      },
    };
    const c = new CheckinCoalescer(recorder, 1000, () => {});
    for (let i = 0; i < 500; i++)
      c.connection({
        machineId: `m${i}`,
        connected: true,
        at: 1,
        remoteAddress: '10.0.0.1',
        hardwareId: 'hw',
      });
    c.connection({ machineId: 'm7', connected: false, at: 2 });
    c.record(update('m1', 3));
    await c.flush();
    assert.deepEqual(calls, ['connections', 'checkins']);
    assert.equal(connections[0]?.length, 500, 'one batch for five hundred reconnects');
    assert.equal(
      connections[0]?.find((u) => u.machineId === 'm7')?.connected,
      false,
      'the latest state wins',
    );
  });
});

describe('check-in coalescer: connection history', () => {
  const quiet: Recorder = { recordCheckins: async () => {}, recordConnections: async () => {} };

  it('writes starts and ends with the next flush, a start and its end of one interval as one row, and check-ins not at all', async () => {
    const written: ConnectionHistoryBatch[] = [];
    const history = { record: async (b: ConnectionHistoryBatch) => void written.push(b) };
    const c = new CheckinCoalescer(quiet, 1000, () => {}, 'node-h', { store: history, keepPerMachine: 10 });
    c.connectionBegan({ id: 's1', machineId: 'm1', connectedAt: 1, remoteAddress: '192.0.2.1' });
    c.connectionBegan({ id: 's2', machineId: 'm2', connectedAt: 2, remoteAddress: '192.0.2.2' });
    c.connectionEnded({ id: 's2', disconnectedAt: 3, reason: 'replaced', checkins: 0, lastCheckinAt: null });
    await c.flush();
    assert.equal(written.length, 1);
    assert.deepEqual(
      written[0]?.starts.map((s) => [s.id, s.nodeId, s.end?.reason]),
      [
        ['s1', 'node-h', undefined],
        ['s2', 'node-h', 'replaced'],
      ],
    );
    for (let i = 0; i < 100; i++) c.record(update('m1', 10 + i));
    await c.flush();
    assert.equal(written.length, 1, 'check-ins write no history');
    c.connectionEnded({
      id: 's1',
      disconnectedAt: 200,
      reason: 'agent-closed',
      checkins: 100,
      lastCheckinAt: 109,
    });
    await c.flush();
    assert.deepEqual(written[1], {
      starts: [],
      ends: [{ id: 's1', disconnectedAt: 200, reason: 'agent-closed', checkins: 100, lastCheckinAt: 109 }],
    });
  });

  it('keeps a batch that could not be written for the next flush, joining a start to its later end', async () => {
    const written: ConnectionHistoryBatch[] = [];
    let fail = true;
    const history = {
      record: async (b: ConnectionHistoryBatch) => {
        if (fail) throw new Error('store down');
        written.push(b);
      },
    };
    const errors: unknown[] = [];
    const c = new CheckinCoalescer(quiet, 1000, (e) => errors.push(e), 'node-h', {
      store: history,
      keepPerMachine: 10,
    });
    c.connectionBegan({ id: 's1', machineId: 'm1', connectedAt: 1, remoteAddress: '192.0.2.1' });
    await c.flush();
    assert.equal(errors.length, 1);
    c.connectionEnded({
      id: 's1',
      disconnectedAt: 5,
      reason: 'connection-lost',
      checkins: 2,
      lastCheckinAt: 4,
    });
    fail = false;
    await c.flush();
    assert.deepEqual(written, [
      {
        starts: [
          {
            id: 's1',
            machineId: 'm1',
            connectedAt: 1,
            remoteAddress: '192.0.2.1',
            nodeId: 'node-h',
            end: { id: 's1', disconnectedAt: 5, reason: 'connection-lost', checkins: 2, lastCheckinAt: 4 },
          },
        ],
        ends: [],
      },
    ]);
  });
});
