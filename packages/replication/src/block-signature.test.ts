import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BasisSignature, SignatureIndex } from './block-signature';

function signature(weaks: number[], options: { size?: number; damaged?: number[] } = {}): BasisSignature {
  const blockSize = 1024;
  return {
    size: options.size ?? weaks.length * blockSize,
    blockSize,
    blocks: weaks.length,
    strongLength: 4,
    damaged: options.damaged ?? [],
    weaks: Uint32Array.from(weaks),
    strongs: Buffer.alloc(weaks.length * 4),
  };
}

test('the index finds every block with a weak checksum, in file order, and nothing for others', () => {
  const high = 0xfedc_ba98; // above 2^31: compared as unsigned, as the rolling checksum gives it
  const index = new SignatureIndex(signature([7, high, 3, 7, 9, high, 7]));
  assert.deepEqual([...(index.candidates(7) ?? [])], [0, 3, 6]);
  assert.deepEqual([...(index.candidates(high) ?? [])], [1, 5]);
  assert.deepEqual([...(index.candidates(3) ?? [])], [2]);
  assert.equal(index.candidates(8), undefined);
  assert.equal(index.candidates(high - 1), undefined);
});

test('damaged blocks and a short last block are never candidates', () => {
  const index = new SignatureIndex(signature([5, 5, 6, 5], { damaged: [1], size: 3 * 1024 + 10 }));
  // Block 3 is 10 bytes long: the rolling window (a whole block) can never match it.
  assert.deepEqual([...(index.candidates(5) ?? [])], [0]);
  assert.deepEqual([...(index.candidates(6) ?? [])], [2]);
  const all = new SignatureIndex(signature([4, 4], { damaged: [0, 1] }));
  assert.equal(all.candidates(4), undefined);
});

test('an empty signature has no candidates', () => {
  assert.equal(new SignatureIndex(signature([])).candidates(0), undefined);
});
