import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BatchWriter } from './batch-writer';
import { BlockHasher } from './block-hasher';
import { DIRECT_SLOT, openDirect } from './direct-io';
import { gateFileHandle } from './file-handle-test-gate';
import { PartialFile } from './partial-file';

const KiB = 1024;
const MiB = 1024 * KiB;
const BLOCK = 64 * KiB;

const noHooks = { beforeWrite: () => undefined, afterWrite: async () => undefined };

/** A 4 MiB file with a 1000-byte tail, received block by block and finished. */
async function receive(dir: string, opened?: () => void): Promise<{ partial: PartialFile; data: Buffer }> {
  const data = randomBytes(4 * MiB + 1000);
  const identity = { path: 'm-1/image.img', size: data.length, mtimeMs: 1_700_000_000_000 };
  const partial = await PartialFile.open(dir, identity, BLOCK);
  opened?.();
  for (let at = 0; at < data.length; at += BLOCK) await partial.write(data.subarray(at, at + BLOCK));
  const expected = new BlockHasher(BLOCK, false);
  expected.update(data);
  expected.finish();
  await partial.finish(expected.digest());
  return { partial, data };
}

test('a received file is written around the page cache, from page-aligned staging buffers; its tail through it', async () => {
  // The system's temporary folder is on a disk file system here (ext4), which takes O_DIRECT.
  const dir = await mkdtemp(join(tmpdir(), 'muster-direct-'));
  try {
    const { partial, data } = await receive(dir);
    // A staging buffer off its page boundary would have been refused (EINVAL): none was.
    assert.equal(
      partial.directBytes,
      4 * MiB,
      'every whole batch direct; the 1000-byte tail is not whole pages',
    );
    assert.deepEqual(await readFile(partial.files.data), data);
    await partial.discard();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pieces of any size: whole pages go direct, slot after slot; the rest, and a batch off a page boundary, through the cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'muster-direct-'));
  const file = join(dir, 'data');
  const data = await open(file, 'w+');
  const direct = await openDirect(file);
  assert.ok(direct, 'O_DIRECT opens on this file system');
  const writer = new BatchWriter(data, noHooks, direct);
  try {
    // One batch of 708,123 bytes at 0: a full slot, then 180,224 of the next 183,835 bytes
    // (whole pages), then 3,611 bytes through the page cache.
    const first = [randomBytes(3000), randomBytes(5000), randomBytes(700_000), randomBytes(123)];
    let at = 0;
    for (const piece of first) {
      await writer.append(piece, [], at);
      at += piece.length;
    }
    await writer.drain();
    assert.equal(writer.directBytes, DIRECT_SLOT + 180_224);
    // The next batch starts at 708,123, off a page boundary: all of it through the page cache.
    const second = randomBytes(600_000);
    await writer.append(second, [], at);
    await writer.drain();
    assert.equal(writer.directBytes, DIRECT_SLOT + 180_224);
    assert.deepEqual(await readFile(file), Buffer.concat([...first, second]));
  } finally {
    await writer.closeDirect();
    await data.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('on tmpfs, where O_DIRECT does not open, or with MUSTER_DIRECT_IO=0, every byte goes through the page cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'muster-direct-'));
  // tmpfs takes O_DIRECT (Linux 6.6 on) but has no disk to go around the cache to.
  const shm = await mkdtemp('/dev/shm/muster-direct-');
  try {
    assert.equal(await openDirect(join(dir, 'nothing-here')), undefined, 'a refused open is no error');
    const inMemory = await receive(shm);
    assert.equal(inMemory.partial.directBytes, 0, 'tmpfs is no local disk file system');
    assert.deepEqual(await readFile(inMemory.partial.files.data), inMemory.data);
    await inMemory.partial.discard();
    process.env.MUSTER_DIRECT_IO = '0';
    const { partial, data } = await receive(dir);
    assert.equal(partial.directBytes, 0);
    assert.deepEqual(await readFile(partial.files.data), data);
    await partial.discard();
  } finally {
    delete process.env.MUSTER_DIRECT_IO;
    await rm(dir, { recursive: true, force: true });
    await rm(shm, { recursive: true, force: true });
  }
});

test('a direct write refused with EINVAL goes through the page cache, and so does every later one; another error fails the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'muster-direct-'));
  const writes = await gateFileHandle('write');
  try {
    // Failed once the partial is open (its journal's head is written with write() too).
    const { partial, data } = await receive(dir, () =>
      writes.failNext(Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL' })),
    );
    assert.equal(partial.directBytes, 0, 'after one refusal, no direct write was tried again');
    assert.deepEqual(await readFile(partial.files.data), data);
    await partial.discard();

    // An I/O error is no refusal: the file fails (its blocks are sent again), as with a buffered write.
    const file = join(dir, 'data');
    const handle = await open(file, 'w+');
    const writer = new BatchWriter(handle, noHooks, await openDirect(file));
    writes.failNext(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
    await writer.append(randomBytes(DIRECT_SLOT), [], 0);
    await assert.rejects(writer.drain(), /EIO/);
    assert.equal(writer.directBytes, 0);
    await writer.closeDirect();
    await handle.close();
  } finally {
    writes.restore();
    await rm(dir, { recursive: true, force: true });
  }
});
