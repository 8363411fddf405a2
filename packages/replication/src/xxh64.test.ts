import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import wabtInit from 'wabt';
import xxhash from 'xxhash-wasm';
import { HashableBuffers, XXH64_WASM, xxh64 } from './xxh64';

test('the embedded module is what xxh64.wat assembles to', async () => {
  // From src/ (tsx) and dist/ (compiled) alike: the .wat stays in src.
  const source = await readFile(new URL('../src/xxh64.wat', import.meta.url), 'utf8');
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('xxh64.wat', source);
  try {
    assert.equal(Buffer.from(parsed.toBinary({}).buffer).toString('base64'), XXH64_WASM);
  } finally {
    parsed.destroy();
  }
});

test('xxh64 hashes as xxhash-wasm does (which wrote earlier memos), in place and through the scratch memory', async () => {
  const reference = await xxhash();
  const buffers = new HashableBuffers();
  const hashable = buffers.take(1024 * 1024 + 64);
  // Every length through the tails (32-byte stripes, then 8, 4 and single bytes), at offsets
  // off the 8-byte alignment, and a megabyte.
  const lengths = [...Array.from({ length: 300 }, (_, i) => i), 4096, 32 * 1024 + 7, 1024 * 1024];
  let compared = 0;
  for (const length of lengths)
    for (const offset of [0, 1, 5, 63]) {
      const data = randomBytes(length);
      const expected = reference.h64Raw(data);
      assert.equal(xxh64(data), expected, `copied: length ${length}`);
      data.copy(hashable, offset);
      assert.equal(
        xxh64(hashable.subarray(offset, offset + length)),
        expected,
        `in place: ${length} at ${offset}`,
      );
      compared++;
    }
  assert.equal(compared, lengths.length * 4);
  assert.equal(xxh64(Buffer.alloc(0)), 0xef46db3751d8e999n, 'the published hash of no bytes');
});

test('hashable buffers: reused once given back, a kept larger one serves a smaller take, at most three kept', () => {
  const buffers = new HashableBuffers();
  const first = buffers.take(300_000);
  assert.equal(first.length, 300_000);
  assert.equal(first.buffer.byteLength, 5 * 64 * 1024, 'whole 64 KiB pages');
  buffers.give(first.subarray(1000));
  const smaller = buffers.take(100_000);
  assert.equal(smaller.buffer, first.buffer, 'the kept memory, not a new one');
  assert.equal(smaller.length, 100_000);
  const larger = buffers.take(400_000);
  assert.notEqual(larger.buffer, first.buffer, 'nothing kept is large enough');

  const taken = Array.from({ length: 6 }, () => buffers.take(70_000));
  for (const buffer of taken) buffers.give(buffer);
  buffers.give(Buffer.alloc(70_000)); // not one of its own: ignored
  const again = Array.from({ length: 6 }, () => buffers.take(70_000).buffer);
  const reused = again.filter((backing) => taken.some((t) => t.buffer === backing));
  assert.equal(reused.length, 3, 'the last three given back');
  assert.ok(taken.slice(3).every((t) => again.includes(t.buffer)));
});
