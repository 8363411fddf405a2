import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { OFFSITE_DIRS } from './offsite-layout';
import { verifyOffsite } from './offsite-verify';
import { listSnapshots } from './synthetic-full';
import { makeWorld, treeDigest } from './test-support';

test('deletions reach the offsite only after the delete delay', async () => {
  const world = await makeWorld();
  try {
    await world.write('m-1/keep.bin', 'keep');
    await world.write('m-1/wiped.bin', 'precious');
    await world.pass();
    await rm(join(world.localDir, 'm-1/wiped.bin'));
    const t0 = Date.now();
    const hour = 3600;
    const early = await world.pass({ deleteDelaySeconds: hour, now: () => t0 });
    assert.deepEqual([early.deleted, early.deletePending], [0, 1]);
    const almost = await world.pass({ deleteDelaySeconds: hour, now: () => t0 + hour * 1000 - 1 });
    assert.equal(almost.deleted, 0);
    assert.equal(await readFile(join(world.guidDir, 'm-1/wiped.bin'), 'utf8'), 'precious');
    const due = await world.pass({ deleteDelaySeconds: hour, now: () => t0 + hour * 1000 });
    assert.equal(due.deleted, 1);
    await assert.rejects(stat(join(world.guidDir, 'm-1/wiped.bin')));
    assert.equal(await readFile(join(world.guidDir, 'm-1/keep.bin'), 'utf8'), 'keep');
  } finally {
    await world.cleanup();
  }
});

test('a file that comes back before the delay is not deleted', async () => {
  const world = await makeWorld();
  try {
    await world.write('m-1/a.bin', 'v1');
    await world.pass();
    await rename(join(world.localDir, 'm-1/a.bin'), join(world.base, 'aside'));
    await world.pass({ deleteDelaySeconds: 60, now: () => 1_000 });
    await rename(join(world.base, 'aside'), join(world.localDir, 'm-1/a.bin'));
    const back = await world.pass({ deleteDelaySeconds: 60, now: () => 1_000_000 });
    assert.deepEqual([back.deleted, back.deletePending, back.filesChanged], [0, 0, 0]);
    assert.equal(await readFile(join(world.guidDir, 'm-1/a.bin'), 'utf8'), 'v1');
  } finally {
    await world.cleanup();
  }
});

test('synthetic fulls hard-link unchanged files and follow retention', async () => {
  const world = await makeWorld({
    syntheticFull: { retention: { keepLast: 2, keepDaily: 0, keepWeekly: 0 } },
  });
  const snapshotDone = async (count: number) => {
    for (let i = 0; i < 200 && world.events.filter((e) => e.type === 'snapshot').length < count; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
  };
  try {
    await world.write('m-1/base.tib', randomBytes(50_000));
    await world.write('m-1/inc.tib', 'version 1');
    await world.pass();
    await snapshotDone(1);
    await world.write('m-1/inc.tib', 'version 2');
    await world.pass();
    await snapshotDone(2);
    const [first, second] = await listSnapshots(world.guidDir);
    const snap = (name: string | undefined, file: string) =>
      join(world.guidDir, OFFSITE_DIRS.snapshots, name!, file);
    const live = await stat(join(world.guidDir, 'm-1/base.tib'));
    assert.equal((await stat(snap(first, 'm-1/base.tib'))).ino, live.ino);
    assert.equal((await stat(snap(second, 'm-1/base.tib'))).ino, live.ino);
    assert.notEqual(
      (await stat(snap(first, 'm-1/inc.tib'))).ino,
      (await stat(snap(second, 'm-1/inc.tib'))).ino,
    );
    assert.equal(await readFile(snap(first, 'm-1/inc.tib'), 'utf8'), 'version 1');
    assert.equal(await readFile(snap(second, 'm-1/inc.tib'), 'utf8'), 'version 2');
    assert.deepEqual(
      await treeDigest(join(world.guidDir, OFFSITE_DIRS.snapshots, second!)),
      await treeDigest(world.localDir),
    );

    await world.write('m-1/inc.tib', 'version 3');
    await world.pass();
    await snapshotDone(3);
    const kept = await listSnapshots(world.guidDir);
    assert.equal(kept.length, 2);
    assert.ok(!kept.includes(first!));
    assert.ok(kept.includes(second!));
  } finally {
    await world.cleanup();
  }
});

test('the throttle sees every byte and paces the transfer', async () => {
  const world = await makeWorld();
  try {
    await world.write('m-1/image.tib', randomBytes(768 * 1024));
    const rate = 512 * 1024;
    let taken = 0;
    const started = performance.now();
    const throttle = {
      take: async (bytes: number) => {
        taken += bytes;
        const due = started + (taken / rate) * 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      },
    };
    const summary = await world.pass({ throttle });
    const elapsed = performance.now() - started;
    assert.equal(taken, summary.bytesSent);
    assert.ok(elapsed >= (summary.bytesSent / rate) * 1000 * 0.95, `took ${elapsed} ms`);
    assert.ok(elapsed >= 1400);
  } finally {
    await world.cleanup();
  }
});

test('a file that does not fit the free space is refused with a clear error; others go on', async () => {
  const world = await makeWorld({ statfs: async () => ({ bavail: 16, bsize: 4096 }) });
  try {
    await world.write('m-1/big.tib', randomBytes(100_000));
    await world.write('m-1/small.txt', randomBytes(10_000));
    const summary = await world.pass();
    assert.equal(summary.filesSent, 1);
    assert.equal(summary.complete, false);
    assert.equal(summary.errors[0]?.path, 'm-1/big.tib');
    assert.equal(summary.errors[0]?.code, 'insufficient-space');
    assert.match(summary.errors[0]?.message ?? '', /65536 bytes free/);
    await assert.rejects(stat(join(world.guidDir, 'm-1/big.tib')));
    assert.equal((await stat(join(world.guidDir, 'm-1/small.txt'))).size, 10_000);
  } finally {
    await world.cleanup();
  }
});

test('verification finds a corrupted block and the next pass re-sends only that block', async () => {
  const world = await makeWorld();
  try {
    await world.write('m-1/image.tib', randomBytes(1024 * 1024));
    await world.write('m-1/other.tib', randomBytes(20_000));
    await world.pass();
    assert.deepEqual((await verifyOffsite(world.root, world.guid)).corrupted, []);
    const stored = await open(join(world.guidDir, 'm-1/image.tib'), 'r+');
    await stored.write(Buffer.from('bit rot'), 0, 7, 300_000);
    await stored.close();
    const report = await world.server.verify(world.guid);
    assert.equal(report.filesChecked, 2);
    assert.deepEqual(report.corrupted, [{ path: 'm-1/image.tib', blocks: [Math.floor(300_000 / 1024)] }]);
    const repair = await world.pass();
    assert.equal(repair.filesChanged, 1);
    assert.ok(repair.literalBytes <= 2 * 1024, `re-sent ${repair.literalBytes}`);
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
    assert.deepEqual((await verifyOffsite(world.root, world.guid)).corrupted, []);
    assert.equal((await world.pass()).filesChanged, 0);
  } finally {
    await world.cleanup();
  }
});
