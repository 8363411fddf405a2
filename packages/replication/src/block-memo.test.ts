import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlockHasher } from './block-hasher';
import { BlockMemo, BlockMemoRecorder, loadBlockMemo, memoDirectory, saveBlockMemo } from './block-memo';
import { decodeSignature, encodeSignature } from './block-signature';
import { blockCount } from './block-size';
import { encodeDelta } from './delta-encoder';
import { makeWorld, treeDigest } from './test-support';
import { loadXxh64 } from './xxh64';

const dir = await mkdtemp(join(tmpdir(), 'muster-memo-'));
after(() => rm(dir, { recursive: true, force: true }));

const BLOCK = 4096;

/** The memo a sender keeps of `data` at `blockSize`, built as the sender builds it. */
async function memoOf(data: Buffer, blockSize = BLOCK): Promise<BlockMemo> {
  const xxh64 = await loadXxh64();
  const hasher = new BlockHasher(blockSize, false);
  const recorder = new BlockMemoRecorder(blockSize);
  for (let at = 0; at < data.length; at += blockSize) {
    const block = data.subarray(at, at + blockSize);
    hasher.update(block);
    recorder.add(xxh64(block));
  }
  hasher.finish();
  const memo = recorder.finish(data.length, hasher.strongs);
  assert.ok(memo, 'an unspoiled recorder gives a memo');
  return memo;
}

test('a memo reads back as written, and only at the block size it was taken at', async () => {
  const data = randomBytes(BLOCK * 5 + 100);
  const memo = await memoOf(data);
  await saveBlockMemo(dir, 'images/full.img', memo);
  const back = await loadBlockMemo(dir, 'images/full.img', BLOCK);
  assert.ok(back);
  assert.equal(back.blocks, 6);
  const xxh64 = await loadXxh64();
  const last = data.subarray(BLOCK * 5);
  assert.deepEqual(back.strongIfSame(5, last, xxh64(last)), memo.strongIfSame(5, last, xxh64(last)));
  assert.ok(back.strongIfSame(5, last, xxh64(last)), 'the short last block is remembered too');
  assert.equal(await loadBlockMemo(dir, 'images/full.img', BLOCK * 2), undefined, 'another block size');
  assert.equal(await loadBlockMemo(dir, 'images/other.img', BLOCK), undefined, 'another path');
});

test('a torn or altered memo file is not used (tried: cut short, one body bit flipped, another magic)', async () => {
  const memo = await memoOf(randomBytes(BLOCK * 8));
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

/** Runs the encoder over `next` against `basis`, with `memo`; what it matched from the memo and sent as literal. */
async function encodeWith(basis: Buffer, next: Buffer, memo: BlockMemo | undefined) {
  const hasher = new BlockHasher(BLOCK, true);
  hasher.update(basis);
  hasher.finish();
  const signature = decodeSignature(
    {
      size: basis.length,
      blockSize: BLOCK,
      blocks: blockCount(basis.length, BLOCK),
      strongLength: 16,
      damaged: [],
    },
    encodeSignature(hasher.weaks, hasher.strongs, 16),
  );
  const file = join(dir, `next-${Math.random()}`);
  await writeFile(file, next);
  const handle = await open(file, 'r');
  const parts: Buffer[] = [];
  let remembered = 0;
  let literal = 0;
  try {
    await encodeDelta({
      handle,
      size: next.length,
      start: 0,
      basis: signature,
      literalChunk: BLOCK,
      memo: memo ? { blocks: memo, xxh64: await loadXxh64() } : undefined,
      onRemembered: (bytes) => {
        remembered += bytes;
      },
      sink: {
        literal: async (data) => {
          parts.push(Buffer.from(data));
          literal += data.length;
        },
        copy: async (index, length) => {
          parts.push(basis.subarray(index * BLOCK, index * BLOCK + length));
        },
      },
    });
  } finally {
    await handle.close();
  }
  return { rebuilt: Buffer.concat(parts), remembered, literal };
}

test('unchanged blocks are confirmed from the memo; a changed block is hashed and sent', async () => {
  const basis = randomBytes(BLOCK * 16);
  const next = Buffer.from(basis);
  randomBytes(100).copy(next, BLOCK * 3 + 50);
  const memo = await memoOf(basis);
  const { rebuilt, remembered, literal } = await encodeWith(basis, next, memo);
  assert.ok(rebuilt.equals(next));
  // Block 4, where the first match after the literal is found by rolling, is confirmed by
  // hashing it; every expected block after it, and before the change, by the memo.
  assert.equal(remembered, BLOCK * 14);
  assert.equal(literal, BLOCK);
  const without = await encodeWith(basis, next, undefined);
  assert.ok(without.rebuilt.equals(next));
  assert.equal(without.remembered, 0);
});

test('a memo entry that does not describe the basis block costs a hash, never a wrong match', async () => {
  // Tried: a memo whose block 2 says its bytes had another SHA-256 than the basis block (as if
  // taken of bytes the offsite never held). That block is found again by rolling and hashing;
  // the blocks from 3 on are confirmed by the memo again, and the file is rebuilt exactly.
  const basis = randomBytes(BLOCK * 8);
  const other = Buffer.from(basis);
  other.fill(7, BLOCK * 2, BLOCK * 3);
  const xxh64 = await loadXxh64();
  const hasher = new BlockHasher(BLOCK, false);
  hasher.update(other);
  hasher.finish();
  const recorder = new BlockMemoRecorder(BLOCK);
  for (let i = 0; i < 8; i++) recorder.add(xxh64(basis.subarray(i * BLOCK, (i + 1) * BLOCK)));
  const memo = recorder.finish(basis.length, hasher.strongs);
  assert.ok(memo);
  const { rebuilt, remembered, literal } = await encodeWith(basis, basis, memo);
  assert.ok(rebuilt.equals(basis));
  assert.equal(literal, 0);
  assert.equal(remembered, BLOCK * 7, 'all but block 2');
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
