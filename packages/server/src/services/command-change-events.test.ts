import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BusEvent, MAX_BATCH_ITEMS_PER_EVENT, MAX_CHANGES_PER_EVENT } from '../bus/bus';
import type { CommandChange } from '../store/command-record';
import { batchChanges, commandChangeEvents } from './command-change-events';

/** A queued command of a fan-out: all share everything but their ids. */
function queued(n: number, at = 1_700_000_000_000): CommandChange {
  return {
    id: `q${n}`,
    targetKind: 'device',
    targetId: `phone-${n}.phones.acme`,
    orgId: 'acme',
    type: 'sync',
    status: 'pending',
    at,
  };
}

/** A result: each its own time. */
function result(n: number): CommandChange {
  return { ...queued(n, 1_700_000_000_000 + n), id: `r${n}`, targetKind: 'machine', status: 'complete' };
}

/** The changes the events carry, in order, each whole. */
function carried(events: readonly BusEvent[]): CommandChange[] {
  return events.flatMap((e) =>
    e.type === 'command-changes' ? e.changes : e.type === 'command-batch' ? batchChanges(e) : [],
  );
}

describe('commandChangeEvents', () => {
  it('a fan-out goes as batches of shared fields, the rest as changes, every change once and in order', () => {
    const fanOut = Array.from({ length: 250 }, (_, n) => queued(n));
    const changes = [result(1), result(2), ...fanOut, result(3), ...fanOut.map((c) => ({ ...c, at: 5 }))];
    const events = commandChangeEvents(changes);
    assert.deepEqual(carried(events), changes);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'command-changes',
        ...Array(Math.ceil(250 / MAX_BATCH_ITEMS_PER_EVENT)).fill('command-batch'),
        'command-changes',
        ...Array(Math.ceil(250 / MAX_BATCH_ITEMS_PER_EVENT)).fill('command-batch'),
      ],
    );
  });

  it('a short run of alike changes stays in a changes event with its neighbours', () => {
    const changes = [
      result(1),
      ...Array.from({ length: MAX_CHANGES_PER_EVENT - 1 }, (_, n) => queued(n)),
      result(2),
    ];
    const events = commandChangeEvents(changes);
    assert.deepEqual(carried(events), changes);
    assert.ok(events.every((e) => e.type === 'command-changes'));
  });

  it('changes that differ in any shared field do not share a batch', () => {
    const base = Array.from({ length: 30 }, (_, n) => queued(n));
    for (const differ of [
      { type: 'locate' },
      { status: 'canceled' as const },
      { orgId: 'other' },
      { targetKind: 'machine' as const },
      { at: 1 },
    ]) {
      const changes = [...base, ...base.map((c) => ({ ...c, ...differ }))];
      const events = commandChangeEvents(changes);
      assert.deepEqual(carried(events), changes);
      assert.equal(events.length, 2, JSON.stringify(differ));
    }
  });

  it('nothing to publish, no events', () => {
    assert.deepEqual(commandChangeEvents([]), []);
  });
});
