import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckinRecorder } from '../store/interfaces';
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
    const recorder: CheckinRecorder = {
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
    const recorder: CheckinRecorder = {
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
    const recorder: CheckinRecorder = {
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
    const recorder: CheckinRecorder = {
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
    const recorder: CheckinRecorder = {
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
