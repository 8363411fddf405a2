import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  idealBlockSize,
  inlineBlockSize,
  isValidBlockSize,
  MAX_BLOCK_SIZE,
  MIN_BLOCK_SIZE,
} from './block-size';

test('an inline file is one block up to 128 KiB, where its delta block size would be 512 bytes', () => {
  assert.deepEqual(
    [0, 1, 512, 513, 5000, 32 * 1024, 64 * 1024 + 1, 128 * 1024, 200 * 1024].map(inlineBlockSize),
    [512, 512, 512, 1024, 8192, 32 * 1024, 128 * 1024, 128 * 1024, 128 * 1024],
  );
  assert.equal(idealBlockSize(32 * 1024), 512);
});

test('a named block size must be a power of two within the delta limits', () => {
  for (const good of [MIN_BLOCK_SIZE, 4096, MAX_BLOCK_SIZE])
    assert.equal(isValidBlockSize(good), true, `${good}`);
  for (const bad of [0, 256, 3000, 8192.5, MAX_BLOCK_SIZE * 2, Number.NaN, -512])
    assert.equal(isValidBlockSize(bad), false, `${bad}`);
});
