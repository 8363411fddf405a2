import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import wabtInit from 'wabt';
import { weakChecksumScalar } from './rolling-checksum';
import { combineWeak, WEAK_CHECKSUM_WASM, weakChecksumVectors } from './weak-checksum-simd';

/** rsync's definition, byte by byte. */
function reference(data: Uint8Array, start = 0, end = data.length): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    s1 = (s1 + data[i]!) | 0;
    s2 = (s2 + s1) | 0;
  }
  return ((s1 & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

test('the embedded module is what weak-checksum.wat assembles to', async () => {
  // From src/ (tsx) and dist/ (compiled) alike: the .wat stays in src.
  const source = await readFile(new URL('../src/weak-checksum.wat', import.meta.url), 'utf8');
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('weak-checksum.wat', source, { simd: true });
  try {
    assert.equal(Buffer.from(parsed.toBinary({}).buffer).toString('base64'), WEAK_CHECKSUM_WASM);
  } finally {
    parsed.destroy();
  }
});

test('the SIMD checksum equals the definition at every alignment, past one 64 KiB slice, for any bytes', () => {
  const data = randomBytes(200_000);
  const ones = Buffer.alloc(140_000, 0xff);
  for (const buffer of [data, ones])
    for (let start = 0; start < 16; start++)
      for (const length of [16, 256, 4096, 65_536, 65_552, 131_072 + 48]) {
        const vectors = weakChecksumVectors(buffer, start, start + length);
        assert.equal(vectors, reference(buffer, start, start + length), `start ${start}, length ${length}`);
      }
  assert.equal(weakChecksumVectors(data, 0, 0), reference(data, 0, 0), 'nothing');
});

test('the JavaScript fallback and combineWeak equal the definition too', () => {
  const data = randomBytes(70_000);
  for (const [start, length] of [
    [0, 65_536],
    [1, 4096],
    [3, 1001],
    [2, 63],
    [5, 0],
  ] as const)
    assert.equal(weakChecksumScalar(data, start, start + length), reference(data, start, start + length));
  const x = data.subarray(0, 1000);
  const y = data.subarray(1000, 5000);
  assert.equal(combineWeak(reference(x), reference(y), y.length), reference(data, 0, 5000));
});
