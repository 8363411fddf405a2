import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool, sizeClass } from './buffer-pool';

test('a buffer is at most 1/8 larger than asked: a 64 KiB block with its checksum does not take 128 KiB', () => {
  const pool = new BufferPool(1024 * 1024);
  for (const length of [16 * 1024, 64 * 1024 + 32, 32 * 1024 + 32, 1024 * 1024 + 65 * 1024, 3_000_001]) {
    const buffer = pool.take(length);
    assert.equal(buffer.length, length);
    assert.ok(buffer.buffer.byteLength >= length);
    assert.ok(buffer.buffer.byteLength <= length * 1.125, `${length} took ${buffer.buffer.byteLength}`);
  }
});

test('size classes are stable: every request of one length shares a free list', () => {
  assert.equal(sizeClass(64 * 1024 + 32), 72 * 1024);
  assert.equal(sizeClass(64 * 1024), 64 * 1024);
  const pool = new BufferPool(1024 * 1024);
  const first = pool.take(64 * 1024 + 32);
  const backing = first.buffer;
  pool.give(first);
  const second = pool.take(64 * 1024 + 32);
  assert.ok(second.buffer === backing);
  // A nearby length in the same class reuses it too.
  pool.give(second);
  assert.ok(pool.take(70 * 1024).buffer === backing);
});

test('the pool keeps no more than its bound for reuse', () => {
  const pool = new BufferPool(128 * 1024);
  const buffers = [pool.take(64 * 1024), pool.take(64 * 1024), pool.take(64 * 1024)];
  for (const buffer of buffers) pool.give(buffer);
  const again = [pool.take(64 * 1024), pool.take(64 * 1024), pool.take(64 * 1024)];
  const reused = again.filter((buffer) => buffers.some((old) => old.buffer === buffer.buffer));
  assert.equal(reused.length, 2);
});
