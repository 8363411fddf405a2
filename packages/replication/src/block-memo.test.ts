import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlockHasher } from './block-hasher';
import { BlockMemo, BlockMemoRecorder, loadBlockMemo, memoDirectory, saveBlockMemo } from './block-memo';
import { blockMemoOf, makeWorld, treeDigest } from './test-support';
import { xxh64 } from './xxh64';

const dir = await mkdtemp(join(tmpdir(), 'muster-memo-'));
after(() => rm(dir, { recursive: true, force: true }));

const BLOCK = 4096;

test('a memo reads back as written, and only at the block size it was taken at', async () => {
  const data = randomBytes(BLOCK * 5 + 100);
  const memo = await blockMemoOf(data, BLOCK);
  await saveBlockMemo(dir, 'images/full.img', memo);
  const back = await loadBlockMemo(dir, 'images/full.img', BLOCK);
  assert.ok(back);
  assert.equal(back.blocks, 6);
  const last = data.subarray(BLOCK * 5);
  assert.deepEqual(back.strongIfSame(5, last, xxh64(last)), memo.strongIfSame(5, last, xxh64(last)));
  assert.ok(back.strongIfSame(5, last, xxh64(last)), 'the short last block is remembered too');
  assert.equal(await loadBlockMemo(dir, 'images/full.img', BLOCK * 2), undefined, 'another block size');
  assert.equal(await loadBlockMemo(dir, 'images/other.img', BLOCK), undefined, 'another path');
});

test('a torn or altered memo file is not used (tried: cut short, one body bit flipped, another magic)', async () => {
  const memo = await blockMemoOf(randomBytes(BLOCK * 8), BLOCK);
  const encoded = memo.encode();
  // Decoded from an aligned buffer (views) and from one 3 bytes off (copies): the same answers.
  const offset = Buffer.concat([Buffer.alloc(3), encoded]).subarray(3);
  for (const bytes of [encoded, offset]) {
    const back = BlockMemo.decode(bytes, BLOCK);
    assert.ok(back, 'the intact encoding decodes');
    assert.ok(back.encode().equals(encoded));
  }
  assert.equal(BlockMemo.decode(encoded.subarray(0, encoded.length - 1), BLOCK), undefined);
  const flipped = Buffer.from(encoded);
  flipped[flipped.length - 40]! ^= 1;
  assert.equal(BlockMemo.decode(flipped, BLOCK), undefined);
  const magic = Buffer.from(encoded);
  magic[0] = 0;
  assert.equal(BlockMemo.decode(magic, BLOCK), undefined);
  assert.equal(BlockMemo.decode(Buffer.alloc(10), BLOCK), undefined);
});

test('a recorder given a piece that is not a whole block at a boundary gives no memo', () => {
  const recorder = new BlockMemoRecorder(BLOCK);
  recorder.add(1n);
  recorder.spoil();
  const hasher = new BlockHasher(BLOCK, false);
  hasher.update(Buffer.alloc(BLOCK));
  assert.equal(recorder.finish(BLOCK, hasher.strongs), undefined);
  const short = new BlockMemoRecorder(BLOCK);
  short.add(1n);
  assert.equal(short.finish(BLOCK * 2, hasher.strongs), undefined, 'fewer blocks than the file has');
});

test('a second pass of a large file confirms its unchanged blocks from the memo, and the offsite copy is exact', async () => {
  const world = await makeWorld();
  try {
    const image = randomBytes(16 * 1024 * 1024 + 1000);
    await world.write('img/full.img', image);
    const first = await world.pass();
    assert.equal(first.complete, true);
    assert.equal(first.rememberedBytes, 0, 'no memo before the first pass');
    const memoDir = memoDirectory(world.stateDir, world.guid);
    assert.equal((await readdir(memoDir)).length, 1, 'the first pass kept a memo of the image');

    for (const at of [0, 5_000_000, 16 * 1024 * 1024]) randomBytes(600).copy(image, at);
    await world.write('img/full.img', image);
    const second = await world.pass();
    assert.equal(second.complete, true);
    assert.ok(second.rememberedBytes > 15 * 1024 * 1024, `remembered ${second.rememberedBytes} bytes`);
    assert.ok(second.literalBytes < 64 * 1024, `sent ${second.literalBytes} literal bytes`);
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));

    // A memo that does not read back whole is ignored: every block is hashed, nothing is lost.
    const [name] = await readdir(memoDir);
    const file = join(memoDir, name!);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 7));
    randomBytes(600).copy(image, 9_000_000);
    await world.write('img/full.img', image);
    const third = await world.pass();
    assert.equal(third.complete, true);
    assert.equal(third.rememberedBytes, 0);
    assert.ok(third.matchedBytes > 15 * 1024 * 1024);
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));

    // The file goes: so does its memo.
    await rm(join(world.localDir, 'img/full.img'));
    await world.write('small.txt', 'x');
    assert.equal((await world.pass()).complete, true);
    assert.deepEqual(await readdir(memoDir), []);
  } finally {
    await world.cleanup();
  }
});
