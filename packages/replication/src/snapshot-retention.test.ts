import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoWeekKey, parseSnapshotName, selectSnapshotsToKeep, snapshotName } from './snapshot-retention';

const at = (iso: string) => ({ name: snapshotName(new Date(iso)), time: new Date(iso) });

test('keeps the newest N, the newest of each recent day and of each recent week', () => {
  const snapshots = [
    at('2024-05-01T10:00:00Z'), // Wed, week 18
    at('2024-05-06T10:00:00Z'), // Mon, week 19
    at('2024-05-08T09:00:00Z'), // Wed, week 19
    at('2024-05-08T21:00:00Z'),
    at('2024-05-13T10:00:00Z'), // Mon, week 20
    at('2024-05-14T08:00:00Z'),
    at('2024-05-14T12:00:00Z'),
    at('2024-05-14T18:00:00Z'),
  ];
  const keep = selectSnapshotsToKeep(snapshots, { keepLast: 2, keepDaily: 3, keepWeekly: 3 });
  const names = (isos: string[]) => new Set(isos.map((iso) => snapshotName(new Date(iso))));
  assert.deepEqual(
    keep,
    names([
      '2024-05-14T18:00:00Z', // last 2, daily, weekly (week 20)
      '2024-05-14T12:00:00Z', // last 2
      '2024-05-13T10:00:00Z', // daily
      '2024-05-08T21:00:00Z', // daily, weekly (week 19)
      '2024-05-01T10:00:00Z', // weekly (week 18)
    ]),
  );
});

test('always keeps at least the newest; empty input keeps nothing', () => {
  const snapshots = [at('2024-01-01T00:00:00Z'), at('2024-01-02T00:00:00Z')];
  assert.deepEqual(
    selectSnapshotsToKeep(snapshots, { keepLast: 0, keepDaily: 0, keepWeekly: 0 }),
    new Set([snapshots[1]!.name]),
  );
  assert.equal(selectSnapshotsToKeep([], { keepLast: 3, keepDaily: 3, keepWeekly: 3 }).size, 0);
});

test('ISO weeks and snapshot names', () => {
  assert.equal(isoWeekKey(new Date('2021-01-03T12:00:00Z')), '2020-W53');
  assert.equal(isoWeekKey(new Date('2024-12-30T12:00:00Z')), '2025-W01');
  const time = new Date('2024-05-14T18:03:04.567Z');
  assert.equal(snapshotName(time), '2024-05-14T18-03-04-567Z');
  assert.equal(parseSnapshotName(snapshotName(time))?.getTime(), time.getTime());
  assert.equal(parseSnapshotName('.building-x'), undefined);
});
