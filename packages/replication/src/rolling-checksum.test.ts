import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import wabtInit from 'wabt';
import { RollingChecksum, weakChecksum, weakChecksumScalar } from './rolling-checksum';
import { combineWeak, WEAK_CHECKSUM_WASM, weakChecksumVectors } from './weak-checksum-simd';

/** rsync's definition, byte by byte. */
function reference(data: Uint8Array, start: number, end: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    s1 = (s1 + data[i]!) | 0;
    s2 = (s2 + s1) | 0;
  }
  return ((s1 & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

test('the weak checksum equals rsync definition at every alignment and length, and rolls', () => {
  const data = randomBytes(300_000);
  const ones = Buffer.alloc(140_000, 0xff);
  for (const buffer of [data, ones]) {
    for (const [start, length] of [
      [0, 65_536],
      [4, 131_072],
      [1, 4096],
      [3, 1001],
      [8, 4],
      [0, 130_000],
    ] as const) {
      assert.equal(weakChecksum(buffer, start, start + length), reference(buffer, start, start + length));
      const view = buffer.subarray(start, start + length);
      assert.equal(weakChecksum(view), reference(buffer, start, start + length));
    }
  }
  const roll = new RollingChecksum();
  roll.reset(data, 0, 2048);
  for (let at = 0; at < 5000; at++) roll.roll(data[at]!, data[at + 2048]!);
  assert.equal(roll.value, reference(data, 5000, 7048));
});

test('sliding in one call stops where the filter first passes, in the same state as rolling byte by byte', () => {
  const data = randomBytes(200_000);
  const window = 4096;
  const mask = (1 << 20) - 1;
  const stepwise = new RollingChecksum();
  stepwise.reset(data, 0, window);
  // A filter with one slot set: the checksum of the window at 123,457.
  const filter = new Uint8Array(1 << 20);
  filter[reference(data, 123_457, 123_457 + window) & mask] = 1;
  let expected = 0;
  while (expected < 150_000 && filter[stepwise.value & mask] === 0) {
    stepwise.roll(data[expected]!, data[expected + window]!);
    expected++;
  }
  const slid = new RollingChecksum();
  slid.reset(data, 0, window);
  const stop = slid.slideUntil(data, 0, 150_000, filter, mask);
  assert.equal(stop, expected);
  assert.ok(stop <= 123_457);
  assert.equal(slid.value, stepwise.value);
  // With nothing in the filter it slides to `stop` exactly.
  const none = new RollingChecksum();
  none.reset(data, 10, 10 + window);
  assert.equal(none.slideUntil(data, 10, 90_000, new Uint8Array(1 << 20), mask), 90_000);
  assert.equal(none.value, reference(data, 90_000, 90_000 + window));
});

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
  assert.equal(
    combineWeak(reference(x, 0, x.length), reference(y, 0, y.length), y.length),
    reference(data, 0, 5000),
  );
});
