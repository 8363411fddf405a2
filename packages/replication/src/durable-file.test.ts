import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { flushWhile, inDirectory, inDirectorySync } from './durable-file';

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

test('inDirectory and inDirectorySync create a folder once, and again after it was removed', async () => {
  const base = await mkdtemp(join(tmpdir(), 'muster-dir-'));
  try {
    const dir = join(base, 'a', 'b');
    await inDirectory(dir, () => writeFile(join(dir, 'one'), '1'));
    inDirectorySync(dir, () => writeFileSync(join(dir, 'two'), '2'));
    // Removed behind its back: the next write makes it again instead of failing with ENOENT.
    await rm(join(base, 'a'), { recursive: true });
    await inDirectory(dir, () => writeFile(join(dir, 'three'), '3'));
    assert.equal(await readFile(join(dir, 'three'), 'utf8'), '3');
    await rm(join(base, 'a'), { recursive: true });
    inDirectorySync(dir, () => writeFileSync(join(dir, 'four'), '4'));
    assert.equal(readFileSync(join(dir, 'four'), 'utf8'), '4');
    // Any other failure is the operation's own.
    assert.throws(
      () =>
        inDirectorySync(dir, () => {
          throw Object.assign(new Error('full'), { code: 'ENOSPC' });
        }),
      /full/,
    );
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
