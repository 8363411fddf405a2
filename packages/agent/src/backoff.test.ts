import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fullJitterDelay } from './backoff';

/** A small seeded PRNG (mulberry32) so the sampled cases are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Just below 1: Math.random's largest possible value is 1 - 2^-53. */
const almostOne = () => 1 - 2 ** -53;

describe('fullJitterDelay', () => {
  test('random 0 gives no delay at any attempt', () => {
    for (const attempt of [0, 1, 5, 30, 1000])
      assert.equal(
        fullJitterDelay(attempt, 30_000, 1000, () => 0),
        0,
      );
  });

  test('the ceiling doubles per attempt from the base until the cap', () => {
    const half = () => 0.5;
    assert.equal(fullJitterDelay(0, 30_000, 1000, half), 500);
    assert.equal(fullJitterDelay(1, 30_000, 1000, half), 1000);
    assert.equal(fullJitterDelay(2, 30_000, 1000, half), 2000);
    assert.equal(fullJitterDelay(4, 30_000, 1000, half), 8000);
    // 1000 * 2^5 = 32,000 is above the cap.
    assert.equal(fullJitterDelay(5, 30_000, 1000, half), 15_000);
    assert.equal(fullJitterDelay(3, 30_000, 250, half), 1000);
  });

  test('the delay stays strictly below the ceiling and is a whole number of ms', () => {
    assert.equal(fullJitterDelay(0, 30_000, 1000, almostOne), 999);
    assert.equal(fullJitterDelay(10, 30_000, 1000, almostOne), 29_999);
    assert.equal(
      fullJitterDelay(3, 30_000, 1000, () => 0.123456),
      Math.floor(0.123456 * 8000),
    );
  });

  test('very large attempt counts stay finite and capped', () => {
    for (const attempt of [31, 100, 1e6, Number.MAX_SAFE_INTEGER]) {
      const delay = fullJitterDelay(attempt, 30_000, 1000, almostOne);
      assert.ok(Number.isFinite(delay));
      assert.equal(delay, 29_999);
    }
  });

  test('a zero cap means no delay', () => {
    assert.equal(fullJitterDelay(7, 0, 1000, almostOne), 0);
  });

  test('seeded samples all fall in [0, min(cap, base * 2^attempt)) and spread over the range', () => {
    const random = seeded(20240601);
    const cap = 30_000;
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(cap, 1000 * 2 ** attempt);
      const samples = Array.from({ length: 500 }, () => fullJitterDelay(attempt, cap, 1000, random));
      for (const delay of samples) {
        assert.ok(Number.isInteger(delay) && delay >= 0 && delay < ceiling, `${delay} at attempt ${attempt}`);
      }
      // Full jitter: both the lower and the upper quarter of the range are used, so agents spread out.
      assert.ok(samples.some((d) => d < ceiling / 4));
      assert.ok(samples.some((d) => d >= (ceiling * 3) / 4));
    }
  });

  test('the default random source also stays in bounds', () => {
    for (let i = 0; i < 1000; i++) {
      const delay = fullJitterDelay(3, 5000);
      assert.ok(delay >= 0 && delay < 5000);
    }
  });
});
