import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlockHasher, sha256 } from './block-hasher';
import { dataBuffers } from './buffer-pool';
import { FrameChannel } from './frame-channel';
import { FrameType } from './frame-codec';
import { connectOffsite } from './offsite-connect';
import { makeWorld, type TestWorld } from './test-support';
import { parseFileBasis, parseResult } from './wire-messages';

/** A session speaking the wire protocol directly, to send frames the engine's sender never would. */
async function rawSession(world: TestWorld): Promise<FrameChannel> {
  const socket = await connectOffsite(
    { host: '127.0.0.1', port: world.server.port, keyFingerprint: world.offsite.fingerprint },
    world.local,
  );
  const channel = new FrameChannel(socket);
  await channel.send(FrameType.hello, { v: 1, guid: world.guid });
  assert.equal((await channel.receive())?.type, FrameType.welcome);
  return channel;
}

const SIZE = 4 * 1024 * 1024;
const FILE = { path: 'm/image.bin', size: SIZE, mtimeMs: 1_700_000_000_000 };

for (const hashThreads of [1, 0]) {
  test(`literals hashed while more arrive (${hashThreads} hash threads): the first bad block fails the file, the blocks before it are kept for the resume`, async () => {
    const world = await makeWorld({ hashThreads });
    try {
      // With hash threads the received frames are in shared memory, which the workers read.
      if (hashThreads > 0) assert.ok(dataBuffers.take(64 * 1024).buffer instanceof SharedArrayBuffer);
      const data = randomBytes(SIZE);
      const channel = await rawSession(world);
      await channel.send(FrameType.fileBegin, FILE);
      const { blockSize } = parseFileBasis((await channel.receive())!.header);
      const blocks = SIZE / blockSize;
      const bad = Math.floor(blocks * 0.6);
      // Every block goes out without waiting: many are being hashed when the bad one arrives.
      for (let i = 0; i < blocks; i++) {
        const block = data.subarray(i * blockSize, (i + 1) * blockSize);
        const claimed = i === bad ? sha256(Buffer.from('not this block')) : sha256(block);
        await channel.send(FrameType.literal, undefined, claimed, block);
      }
      const hasher = new BlockHasher(blockSize, false);
      hasher.update(data);
      hasher.finish();
      await channel.send(FrameType.fileEnd, { digest: hasher.digest() });
      const failed = parseResult((await channel.receive())!.header);
      assert.deepEqual([failed.ok, failed.code], [false, 'block-corrupt']);

      // The same file again: the offsite resumes exactly at the bad block, and the rest completes it.
      await channel.send(FrameType.fileBegin, FILE);
      const resumed = parseFileBasis((await channel.receive())!.header);
      assert.equal(resumed.resumeFrom, bad * blockSize);
      for (let i = bad; i < blocks; i++) {
        const block = data.subarray(i * blockSize, (i + 1) * blockSize);
        await channel.send(FrameType.literal, undefined, sha256(block), block);
      }
      await channel.send(FrameType.fileEnd, { digest: hasher.digest() });
      assert.deepEqual(parseResult((await channel.receive())!.header), { path: FILE.path, ok: true });
      assert.ok((await readFile(join(world.guidDir, FILE.path))).equals(data));
      await channel.close();
    } finally {
      await world.cleanup();
    }
  });
}

test('a connection that breaks with blocks still being hashed keeps them: the resume starts after the last whole block', async () => {
  const world = await makeWorld({ hashThreads: 1 });
  try {
    const data = randomBytes(SIZE);
    const channel = await rawSession(world);
    await channel.send(FrameType.fileBegin, FILE);
    const { blockSize } = parseFileBasis((await channel.receive())!.header);
    const sent = Math.floor(SIZE / blockSize / 2);
    for (let i = 0; i < sent; i++) {
      const block = data.subarray(i * blockSize, (i + 1) * blockSize);
      await channel.send(FrameType.literal, undefined, sha256(block), block);
    }
    // Gone without a word, right after the last block left.
    channel.destroy();
    const ended = () => world.events.some((e) => e.type === 'session-end');
    for (let waited = 0; !ended() && waited < 10_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(ended(), 'the session ended');

    const again = await rawSession(world);
    await again.send(FrameType.fileBegin, FILE);
    const resumed = parseFileBasis((await again.receive())!.header);
    assert.equal(resumed.resumeFrom, sent * blockSize);
    await again.close();
  } finally {
    await world.cleanup();
  }
});
