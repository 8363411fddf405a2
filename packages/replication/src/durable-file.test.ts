import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { flushWhile } from './durable-file';

test('flushWhile flushes while the work runs, not after it, and settles as the work does', async () => {
  const flushes: number[] = [];
  let finishedAt = 0;
  const handle = {
    datasync: async () => {
      flushes.push(performance.now());
    },
  };
  await flushWhile(
    handle,
    delay(450).then(() => {
      finishedAt = performance.now();
    }),
  );
  assert.ok(flushes.length >= 2, `${flushes.length} flushes in 450 ms`);
  assert.ok(
    flushes.every((at) => at <= finishedAt),
    'no flush after the work ended',
  );
  const count = flushes.length;
  await delay(250);
  assert.equal(flushes.length, count, 'nothing flushes once it has returned');

  // Tried: work that fails after a flush or two. flushWhile rejects with its error.
  const failure = new Error('copy failed');
  await assert.rejects(
    flushWhile(
      handle,
      delay(250).then(() => {
        throw failure;
      }),
    ),
    (error) => error === failure,
  );
});
