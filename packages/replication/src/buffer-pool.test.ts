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

test('buffers are plain memory until the pool is shared with workers; then new ones are shared', () => {
  const pool = new BufferPool(1024 * 1024);
  const plain = pool.take(64 * 1024);
  const inUse = pool.take(64 * 1024);
  assert.ok(!(plain.buffer instanceof SharedArrayBuffer), 'plain at first: copies out of it are fast');
  pool.give(plain);
  pool.shareWithWorkers();
  const shared = pool.take(64 * 1024);
  assert.ok(shared.buffer instanceof SharedArrayBuffer, 'the plain buffer kept for reuse was let go');
  // Tried: a plain buffer taken before the switch and given back after it. It is not reused.
  pool.give(inUse);
  const next = pool.take(64 * 1024);
  assert.ok(
    next.buffer instanceof SharedArrayBuffer,
    'a plain buffer given back late is not handed out again',
  );
  pool.give(next);
  pool.give(shared);
  assert.equal(pool.take(64 * 1024).buffer, shared.buffer, 'shared buffers are reused');
});

test('buffers of the size in use now push out buffers of sizes kept from earlier work', () => {
  const pool = new BufferPool(1024 * 1024);
  // A seeding's frames fill the pool.
  const frames = Array.from({ length: 4 }, () => pool.take(256 * 1024));
  for (const frame of frames) pool.give(frame);
  // Then reads of another size come and go, one after another. Before, the full pool kept none
  // of them: each take allocated afresh and left the last one to the collector.
  const read = pool.take(512 * 1024);
  const backing = read.buffer;
  pool.give(read);
  assert.ok(pool.take(512 * 1024).buffer === backing, 'the read buffer is reused');
  // Two frames made room for it; the other two are still kept.
  const framesAgain = [pool.take(256 * 1024), pool.take(256 * 1024), pool.take(256 * 1024)];
  const reused = framesAgain.filter((frame) => frames.some((old) => old.buffer === frame.buffer));
  assert.equal(reused.length, 2);
});

test('a buffer larger than the whole bound is never kept, and pushes nothing out', () => {
  const pool = new BufferPool(1024 * 1024);
  const small = pool.take(256 * 1024);
  pool.give(small);
  const huge = pool.take(2 * 1024 * 1024);
  pool.give(huge);
  assert.ok(pool.take(2 * 1024 * 1024).buffer !== huge.buffer);
  assert.ok(pool.take(256 * 1024).buffer === small.buffer);
});
