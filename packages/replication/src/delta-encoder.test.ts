import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlockHasher } from './block-hasher';
import { type BlockMemo, BlockMemoRecorder } from './block-memo';
import { type BasisSignature, basisBlockLength, decodeSignature, encodeSignature } from './block-signature';
import { blockCount } from './block-size';
import { type DeltaInput, encodeDelta } from './delta-encoder';
import { gateFileHandle, until } from './file-handle-test-gate';
import { blockMemoOf } from './test-support';
import { hashableBuffers, xxh64 } from './xxh64';

const dir = await mkdtemp(join(tmpdir(), 'muster-delta-'));
after(() => rm(dir, { recursive: true, force: true }));

function signatureOf(data: Buffer, blockSize: number, strongLength = 8): BasisSignature {
  const hasher = new BlockHasher(blockSize, true);
  hasher.update(data);
  hasher.finish();
  const description = {
    size: data.length,
    blockSize,
    blocks: blockCount(data.length, blockSize),
    strongLength,
    damaged: [],
  };
  return decodeSignature(description, encodeSignature(hasher.weaks, hasher.strongs, strongLength));
}

async function delta(
  basis: Buffer,
  next: Buffer,
  blockSize: number,
  damaged: number[] = [],
  options: Pick<DeltaInput, 'memo' | 'literalChunk' | 'readBuffers'> = {},
) {
  const file = join(dir, `f-${Math.random()}`);
  await writeFile(file, next);
  const handle = await open(file, 'r');
  const signature = { ...signatureOf(basis, blockSize), damaged };
  const parts: Buffer[] = [];
  let literal = 0;
  let copies = 0;
  let remembered = 0;
  try {
    await encodeDelta({
      handle,
      size: next.length,
      start: 0,
      basis: signature,
      ...options,
      onRemembered: (bytes) => {
        remembered += bytes;
      },
      sink: {
        literal: async (data) => {
          parts.push(Buffer.from(data));
          literal += data.length;
        },
        copy: async (index, length) => {
          assert.equal(length, basisBlockLength(signature, index));
          parts.push(basis.subarray(index * blockSize, index * blockSize + length));
          copies++;
        },
      },
    });
  } finally {
    await handle.close();
  }
  return { rebuilt: Buffer.concat(parts), literal, copies, remembered };
}

test('an unchanged file is all copies', async () => {
  const data = randomBytes(100_000);
  const result = await delta(data, data, 1024);
  assert.ok(result.rebuilt.equals(data));
  assert.equal(result.literal, 0);
});

test('an append sends only the appended bytes', async () => {
  const data = randomBytes(100_500);
  const next = Buffer.concat([data, randomBytes(3000)]);
  const result = await delta(data, next, 1024);
  assert.ok(result.rebuilt.equals(next));
  assert.equal(result.literal, 3000);
});

test('an insertion in the middle sends about the inserted bytes', async () => {
  const data = randomBytes(200_000);
  const next = Buffer.concat([data.subarray(0, 77_777), randomBytes(5000), data.subarray(77_777)]);
  const result = await delta(data, next, 1024);
  assert.ok(result.rebuilt.equals(next));
  assert.ok(result.literal >= 5000 && result.literal <= 5000 + 2 * 1024, `literal ${result.literal}`);
});

test('overwrites send about the overwritten blocks', async () => {
  const data = randomBytes(300_000);
  const next = Buffer.from(data);
  for (const at of [1000, 50_123, 200_000]) randomBytes(2000).copy(next, at);
  const result = await delta(data, next, 1024);
  assert.ok(result.rebuilt.equals(next));
  assert.ok(result.literal <= 3 * 4 * 1024, `literal ${result.literal}`);
});

test('a damaged basis block is never matched, so it is re-sent', async () => {
  const data = randomBytes(50_000);
  const result = await delta(data, data, 1024, [7]);
  assert.ok(result.rebuilt.equals(data));
  assert.equal(result.literal, 1024);
});

test('a shrunk file and a file shorter than a block rebuild exactly', async () => {
  const data = randomBytes(10_000);
  for (const next of [data.subarray(0, 5000), data.subarray(0, 300), Buffer.alloc(0), randomBytes(900)]) {
    const result = await delta(data, next, 1024);
    assert.ok(result.rebuilt.equals(next));
  }
});

test('matches after long runs of new data are found across reads and literal chunks', async () => {
  // New data is rolled through in one tight loop up to each filter hit, chunk end and read end
  // (reads are 1 MiB): matches right after those places must still be found.
  const basis = randomBytes(3 * 1024 * 1024);
  const next = Buffer.concat([
    randomBytes(1024 * 1024 + 4093),
    basis.subarray(0, 1024 * 1024),
    randomBytes(700_001),
    basis.subarray(2 * 1024 * 1024, 3 * 1024 * 1024 - 5),
    randomBytes(333),
  ]);
  const result = await delta(basis, next, 4096);
  assert.ok(result.rebuilt.equals(next));
  const fresh = 1024 * 1024 + 4093 + 700_001 + 333;
  // Each run of new data may take up to a block more before the next match lines up.
  assert.ok(result.literal >= fresh && result.literal <= fresh + 4 * 4096, `literal ${result.literal}`);
  assert.ok(result.copies >= 500, `copies ${result.copies}`);
});

/** Block size of the memo tests: 4 KiB, the smallest whose literal frames are one block. */
const BLOCK = 4096;

/**
 * Encoder options that use `memo` as the sender does: one block per literal frame, and the file
 * read into hashable buffers, whose blocks xxh64 hashes in place.
 */
function withMemoOptions(memo: BlockMemo): Pick<DeltaInput, 'memo' | 'literalChunk' | 'readBuffers'> {
  return { memo: { blocks: memo, xxh64 }, literalChunk: BLOCK, readBuffers: hashableBuffers };
}

test('unchanged blocks are confirmed from the memo; a changed block is hashed and sent', async () => {
  const basis = randomBytes(BLOCK * 16);
  const next = Buffer.from(basis);
  randomBytes(100).copy(next, BLOCK * 3 + 50);
  const memo = await blockMemoOf(basis, BLOCK);
  const { rebuilt, remembered, literal } = await delta(basis, next, BLOCK, [], withMemoOptions(memo));
  assert.ok(rebuilt.equals(next));
  // Block 4, where the first match after the literal is found by rolling, is confirmed by
  // hashing it; every expected block after it, and before the change, by the memo.
  assert.equal(remembered, BLOCK * 14);
  assert.equal(literal, BLOCK);
  const without = await delta(basis, next, BLOCK, [], { literalChunk: BLOCK });
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
  const hasher = new BlockHasher(BLOCK, false);
  hasher.update(other);
  hasher.finish();
  const recorder = new BlockMemoRecorder(BLOCK);
  for (let i = 0; i < 8; i++) recorder.add(xxh64(basis.subarray(i * BLOCK, (i + 1) * BLOCK)));
  const memo = recorder.finish(basis.length, hasher.strongs);
  assert.ok(memo);
  const { rebuilt, remembered, literal } = await delta(basis, basis, BLOCK, [], withMemoOptions(memo));
  assert.ok(rebuilt.equals(basis));
  assert.equal(literal, 0);
  assert.equal(remembered, BLOCK * 7, 'all but block 2');
});

test('the encoder reads the next chunk of the file while the one before is hashed and sent', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 12_345);
  const file = join(dir, 'read-ahead.bin');
  await writeFile(file, data);
  const handle = await open(file, 'r');
  const gate = await gateFileHandle('read');
  const parts: Buffer[] = [];
  const readsWaitingAtLiteral: number[] = [];
  try {
    gate.hold();
    const encoding = encodeDelta({
      handle,
      size: data.length,
      start: 0,
      basis: null,
      literalChunk: 64 * 1024,
      sink: {
        literal: async (piece) => {
          readsWaitingAtLiteral.push(gate.waiting);
          parts.push(Buffer.from(piece));
        },
        copy: async () => assert.fail('no basis, no copies'),
      },
    });
    // The first read is let through; the encoder then asks for the second at once, before it
    // hands the first piece over (one read at a time before: none was waiting then).
    await until(() => gate.waiting === 1, 'the first read is asked for');
    gate.release(0);
    await until(() => readsWaitingAtLiteral.length > 0, 'the first piece goes out');
    assert.equal(readsWaitingAtLiteral[0], 1, 'the next read was waiting when the first piece went out');
    gate.open();
    await encoding;
    assert.ok(Buffer.concat(parts).equals(data), 'every byte once, in order');
  } finally {
    gate.restore();
    await handle.close();
  }
});

test('reads land on a page boundary of a hashable buffer (the kernel fills it three times faster there)', async () => {
  const basis = randomBytes(3 * 1024 * 1024 + 100);
  const next = Buffer.from(basis);
  randomBytes(5000).copy(next, 1024 * 1024);
  const file = join(dir, 'aligned-reads.bin');
  await writeFile(file, next);
  const handle = await open(file, 'r');
  // Where in its memory each read put the file's bytes; a hashable buffer starts on a page.
  const at: number[] = [];
  const recording = new Proxy(handle, {
    get(target, property) {
      if (property === 'read')
        return (buffer: Buffer, offset: number, length: number, position: number) => {
          at.push(buffer.byteOffset + offset);
          return target.read(buffer, offset, length, position);
        };
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const parts: Buffer[] = [];
  try {
    // Blocks of 2 KiB: the room kept in front of each read (a literal chunk and a block and a
    // byte) is 4,097 bytes, which put the reads one byte past a page before.
    await encodeDelta({
      handle: recording,
      size: next.length,
      start: 0,
      basis: signatureOf(basis, 2048),
      literalChunk: 2048,
      readBuffers: hashableBuffers,
      sink: {
        literal: async (data) => void parts.push(Buffer.from(data)),
        copy: async (index, length) => void parts.push(basis.subarray(index * 2048, index * 2048 + length)),
      },
    });
  } finally {
    await handle.close();
  }
  assert.ok(Buffer.concat(parts).equals(next));
  assert.equal(at.length, 4, 'four reads of up to 1 MiB');
  assert.deepEqual(
    at.map((offset) => offset % 4096),
    [0, 0, 0, 0],
  );
});
