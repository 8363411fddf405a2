import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256 } from './block-hasher';
import { gateFileHandle } from './file-handle-test-gate';
import { loadLocalIndex } from './local-index';
import { readManifest } from './manifest-store';
import type { ReplicationProgress } from './replicate';
import { makeWorld, treeDigest } from './test-support';

test('mirrors the local server tree under <root>/<local guid>/<machine guid>/', async () => {
  const world = await makeWorld();
  try {
    await world.write('m-1111/image-1.tib', randomBytes(300_000));
    await world.write('m-1111/sub/dir/notes.txt', 'hello');
    await world.write('m-2222/image.tib', randomBytes(10));
    await world.write('m-2222/empty.bin', Buffer.alloc(0));
    const summary = await world.pass();
    assert.equal(summary.filesChanged, 4);
    assert.equal(summary.filesSent, 4);
    assert.ok(summary.complete);
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
    assert.equal(await readFile(join(world.root, world.guid, 'm-1111/sub/dir/notes.txt'), 'utf8'), 'hello');
    assert.ok((await stat(join(world.guidDir, '.muster-partial'))).isDirectory());
  } finally {
    await world.cleanup();
  }
});

test('sends only changes: nothing, an append, an insertion, overwrites', async () => {
  const world = await makeWorld();
  try {
    const image = randomBytes(4 * 1024 * 1024);
    await world.write('m-1/image.tib', image);
    await world.write('m-1/log.txt', randomBytes(200_000));
    for (let i = 0; i < 50; i++) await world.write(`m-2/small-${i}.dat`, randomBytes(1000));
    const first = await world.pass();
    assert.equal(first.filesSent, 52);
    assert.ok(first.literalBytes >= image.length);

    const again = await world.pass();
    assert.equal(again.filesChanged, 0);
    assert.ok(again.bytesSent < 200, `second pass sent ${again.bytesSent} bytes`);

    const appended = randomBytes(30_000);
    await world.write(
      'm-1/log.txt',
      Buffer.concat([await readFile(join(world.localDir, 'm-1/log.txt')), appended]),
    );
    const append = await world.pass();
    assert.equal(append.filesChanged, 1);
    assert.ok(
      append.literalBytes <= appended.length + 1024,
      `append sent ${append.literalBytes} literal bytes`,
    );
    assert.ok(append.bytesSent <= appended.length + 4096, `append wire bytes ${append.bytesSent}`);

    const inserted = randomBytes(64 * 1024);
    const withInsert = Buffer.concat([image.subarray(0, 2_000_001), inserted, image.subarray(2_000_001)]);
    await world.write('m-1/image.tib', withInsert);
    const insert = await world.pass();
    const block = 2048;
    assert.ok(insert.literalBytes <= inserted.length + block, `insert sent ${insert.literalBytes}`);
    assert.ok(
      insert.bytesSent <= inserted.length + 2 * block + 40_000,
      `insert wire bytes ${insert.bytesSent}`,
    );

    const overwritten = Buffer.from(withInsert);
    for (let i = 0; i < 5; i++) randomBytes(4096).copy(overwritten, 100_000 + i * 700_000 + i * 13);
    await world.write('m-1/image.tib', overwritten);
    const overwrite = await world.pass();
    assert.ok(overwrite.literalBytes <= 5 * (4096 + 2 * block), `overwrite sent ${overwrite.literalBytes}`);
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
  } finally {
    await world.cleanup();
  }
});

test('the index is on disk when a pass returns, even with a periodic save in flight', async () => {
  const world = await makeWorld();
  try {
    // The first file commits early; the pass then runs past the 2 s save interval while the
    // second is paced, so a periodic save is under way near the end of the pass.
    await world.write('m-1/a.tib', randomBytes(1000));
    await world.write('m-1/b.tib', randomBytes(600_000));
    const summary = await world.pass({
      throttle: { take: (bytes) => new Promise((resolve) => setTimeout(resolve, bytes / 256)) },
    });
    assert.equal(summary.filesSent, 2);
    const index = await loadLocalIndex(world.stateDir, world.guid);
    assert.deepEqual(Object.keys(index.files).sort(), ['m-1/a.tib', 'm-1/b.tib']);
    assert.equal(index.files['m-1/b.tib']?.size, 600_000);
  } finally {
    await world.cleanup();
  }
});

test('new small files go inline; a refused one is reported in order and the others are committed', async () => {
  const world = await makeWorld();
  try {
    await world.write('m-1/a.bin', randomBytes(5000));
    // A trailing dot is refused on the wire (Windows cannot hold it), after its data was sent.
    await world.write('m-1/b.', randomBytes(7000));
    await world.write('m-1/c.bin', randomBytes(200 * 1024));
    await world.write('m-1/empty.bin', Buffer.alloc(0));
    const first = await world.pass();
    assert.equal(first.filesSent, 3);
    assert.deepEqual(
      first.errors.map((e) => [e.path, e.code]),
      [['m-1/b.', 'path-refused']],
    );
    for (const name of ['a.bin', 'c.bin', 'empty.bin'])
      assert.deepEqual(
        await readFile(join(world.guidDir, 'm-1', name)),
        await readFile(join(world.localDir, 'm-1', name)),
      );
    // Hashed in as few blocks as the limit allows (FEATURE_INLINE_BLOCK), not 512-byte ones:
    // a.bin's one block hash is the SHA-256 of the file.
    const small = await readManifest(world.guidDir, 'm-1/a.bin');
    assert.deepEqual([small?.blockSize, small?.strongs.length], [8192, 1]);
    assert.deepEqual(small?.strongs.get(0), sha256(await readFile(join(world.localDir, 'm-1/a.bin'))));
    const larger = await readManifest(world.guidDir, 'm-1/c.bin');
    assert.deepEqual([larger?.blockSize, larger?.strongs.length], [128 * 1024, 2]);
    const changed = await world.pass();
    assert.equal(changed.filesChanged, 1, 'only the refused file is tried again');
    await world.write('m-1/a.bin', randomBytes(5000));
    const delta = await world.pass();
    assert.equal(delta.filesSent, 1);
    assert.deepEqual(
      await readFile(join(world.guidDir, 'm-1/a.bin')),
      await readFile(join(world.localDir, 'm-1/a.bin')),
    );
    // Inline, the first pass got only the welcome, four results and pass-done (351 bytes when
    // written); a file-basis answer per file would have added about 70 bytes each (566).
    assert.ok(first.bytesReceived < 450, `received ${first.bytesReceived} bytes`);
  } finally {
    await world.cleanup();
  }
});

test('results of inline files are taken as they arrive, not left queued until the last file is sent', async () => {
  const world = await makeWorld();
  try {
    for (let i = 0; i < 600; i++)
      await world.write(`many/f${String(i).padStart(4, '0')}.bin`, randomBytes(1024));
    const seen: ReplicationProgress[] = [];
    const summary = await world.pass({ onProgress: (p) => seen.push(p) });
    assert.equal(summary.filesSent, 600);
    // Reported before each file: commits confirmed while files were still going out show the
    // sender read its results between files (before, every one waited in the channel's queue
    // until the loop ended, and this stayed 0 until then).
    const midway = seen.filter((p) => p.phase === 'transferring' && p.filesRemaining > 1);
    assert.ok(midway.length >= 599, `${midway.length} reports while sending`);
    assert.ok(
      midway.some((p) => p.filesCommitted > 0),
      'no commit confirmed before the last file went out',
    );
    assert.equal(seen.at(-1)?.filesCommitted, 600);
  } finally {
    await world.cleanup();
  }
});

test('new small files are read with synchronous calls, not a thread-pool round trip each', async () => {
  const world = await makeWorld();
  // Every FileHandle read of this process is held: a small file read through one would stall.
  const reads = await gateFileHandle('read');
  try {
    for (const [name, size] of [
      ['s/a.bin', 3000],
      ['s/b.bin', 70_000],
      ['s/empty.bin', 0],
    ] as const)
      await world.write(name, randomBytes(size));
    reads.hold();
    const outcome = await Promise.race([
      world.pass(),
      new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 5000).unref()),
    ]);
    assert.notEqual(outcome, 'stalled', 'the pass waited for a FileHandle read');
    assert.equal(outcome === 'stalled' ? 0 : outcome.filesSent, 3);
    assert.equal(reads.mostWaiting, 0);
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
  } finally {
    reads.open();
    reads.restore();
    await world.cleanup();
  }
});
