import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { BlockHasher, fileDigest, sha256 } from './block-hasher';
import { HashList } from './hash-list';

test('a hasher keeps a copy of each block hash, 32 bytes a block in a hash list', () => {
  const hasher = new BlockHasher(1024, true);
  const data = randomBytes(1024 * 3000);
  hasher.update(data.subarray(0, 1024 * 1500));
  const known = sha256(data.subarray(1024 * 1500, 1024 * 1501));
  hasher.addKnownBlock(1024, 1, known);
  // The caller's buffer may be reused once the call returns: the hasher holds its own copy.
  const expected = Buffer.from(known);
  known.fill(0);
  hasher.update(data.subarray(1024 * 1501));
  hasher.finish();
  assert.ok(hasher.strongs instanceof HashList);
  assert.equal(hasher.strongs.length, 3000);
  assert.ok(hasher.strongs.get(1500).equals(expected));
  for (let i = 0; i < 3000; i += 97)
    assert.ok(hasher.strongs.get(i).equals(sha256(data.subarray(i * 1024, (i + 1) * 1024))));
  assert.equal(hasher.digest(), fileDigest(1024, data.length, hasher.strongs));
});

test('a hash list stores copies, in slabs shared by many hashes, and refuses what is not a SHA-256', () => {
  const list = new HashList();
  const hashes = Array.from({ length: 2500 }, (_, i) => sha256(Buffer.from(String(i))));
  for (const hash of hashes) list.push(hash);
  hashes[7]!.fill(1);
  assert.ok(list.get(7).equals(sha256(Buffer.from('7'))));
  // A first slab of 8 for small files, then slabs of 1,024.
  assert.equal(new Set(Array.from(list, (hash) => hash.buffer)).size, 4);
  assert.equal(list.get(7).buffer === list.get(0).buffer && list.get(8).buffer !== list.get(7).buffer, true);
  list.set(3, hashes[9]!);
  assert.ok(list.get(3).equals(hashes[9]!));
  assert.ok(list.matches(9, hashes[9]!));
  assert.equal(list.matches(2500, hashes[9]!), false);
  assert.throws(() => list.get(2500), RangeError);
  assert.throws(() => list.push(Buffer.alloc(16)), RangeError);
  assert.deepEqual(
    [...HashList.from(hashes.slice(0, 3))].map((hash) => hash.toString('hex')),
    hashes.slice(0, 3).map((hash) => hash.toString('hex')),
  );
});

test('a whole block is a full one or the short last one, and only at a block boundary', () => {
  const hasher = new BlockHasher(1024, false);
  assert.equal(hasher.isWholeBlock(1024, 3000), true);
  assert.equal(hasher.isWholeBlock(1000, 3000), false, 'short, and not the end of the stream');
  assert.equal(hasher.isWholeBlock(2048, 3000), false, 'two blocks');
  hasher.update(Buffer.alloc(2048));
  assert.equal(hasher.isWholeBlock(952, 3000), true, 'the short last block');
  hasher.update(Buffer.alloc(10));
  assert.equal(hasher.isWholeBlock(942, 3000), false, 'not at a block boundary');
});
