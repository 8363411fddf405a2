import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_CONCURRENT_COMMITS } from './offsite-session';
import { setPatchStepHook } from './patch-steps';
import { makeWorld } from './test-support';

const FILES = 200;
const name = (i: number): string => `m-1/f${String(i).padStart(3, '0')}.bin`;

test('behind a commit slow to fsync, no more than MAX_CONCURRENT_COMMITS files commit at once', async () => {
  const world = await makeWorld();
  let active = 0;
  let mostActive = 0;
  let othersFinished = 0;
  let releaseFirst: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  try {
    for (let i = 0; i < FILES; i++) await world.write(name(i), randomBytes(1000 + i * 10));
    // A commit runs from its fsync to its rename. The first file's fsync hangs (a slow disk)
    // until 100 files after it have committed or a second has passed; every other one takes
    // 50 ms, much longer than the next file takes to arrive.
    setPatchStepHook(async (step, path) => {
      if (step === 'before-fsync') {
        active += 1;
        mostActive = Math.max(mostActive, active);
        if (path === name(0)) await Promise.race([firstHeld, sleep(1000)]);
        else await sleep(50);
      }
      if (step === 'renamed') {
        active -= 1;
        if (path !== name(0) && ++othersFinished === 100) releaseFirst();
      }
    });
    const summary = await world.pass();
    assert.equal(summary.filesSent, FILES);
    assert.deepEqual(summary.errors, []);
    // Before, a commit that had finished but waited to send its result after the first one's
    // let the next file start at once: 62 committed side by side in this test.
    assert.ok(mostActive <= MAX_CONCURRENT_COMMITS, `${mostActive} commits at once`);
    assert.ok(mostActive >= 2, 'commits still overlap');
    for (const i of [0, 1, FILES - 1])
      assert.deepEqual(
        await readFile(join(world.guidDir, name(i))),
        await readFile(join(world.localDir, name(i))),
      );
  } finally {
    setPatchStepHook(undefined);
    releaseFirst();
    await world.cleanup();
  }
});
