import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withReconnectWindow } from '@muster/protocol';
import { reconnectDelay } from './reconnect-delay';

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

const PERIOD_MS = 30_000;

describe('reconnect delay', () => {
  it('honours the window a mass close told: the delay is that fraction of it', () => {
    const reason = withReconnectWindow('server shutting down', 20);
    assert.deepEqual(
      reconnectDelay(reason, 0, PERIOD_MS, () => 0.5),
      { delayMs: 10_000, windowSeconds: 20 },
    );
    assert.equal(reconnectDelay(reason, 0, PERIOD_MS, () => 0).delayMs, 0);
    assert.equal(reconnectDelay(reason, 0, PERIOD_MS, () => 1 - 2 ** -53).delayMs, 19_999);
    // The window, not the check-in period, bounds it: a window longer than the period is kept.
    const long = withReconnectWindow('server shutting down', 120);
    assert.equal(reconnectDelay(long, 0, PERIOD_MS, () => 0.9).delayMs, 108_000);
  });

  it('spreads agents over the whole window, evenly', () => {
    const windowSeconds = 10;
    const reason = withReconnectWindow('server shutting down', windowSeconds);
    const random = seeded(12);
    const buckets = new Array<number>(windowSeconds).fill(0);
    const agents = 10_000;
    for (let i = 0; i < agents; i++) {
      const { delayMs } = reconnectDelay(reason, 0, PERIOD_MS, random);
      assert.ok(delayMs >= 0 && delayMs < windowSeconds * 1000, `${delayMs} ms outside the window`);
      buckets[Math.floor(delayMs / 1000)] = (buckets[Math.floor(delayMs / 1000)] ?? 0) + 1;
    }
    // Every second of the window gets its share (1,000 each), none much more: no burst.
    for (const [second, count] of buckets.entries()) {
      assert.ok(count > 900 && count < 1100, `second ${second}: ${count} of ${agents}`);
    }
  });

  it('a connection that broke without a window (network error, killed server) is retried within a second', () => {
    const random = seeded(7);
    let longest = 0;
    for (let i = 0; i < 1000; i++) {
      const wait = reconnectDelay('', 0, PERIOD_MS, random);
      assert.equal(wait.windowSeconds, null);
      longest = Math.max(longest, wait.delayMs);
    }
    assert.ok(longest < 1000, `longest ${longest} ms`);
    // A close with a reason but no window (replaced, an older server's restart) is the same.
    const plain = reconnectDelay('server shutting down', 0, PERIOD_MS, () => 0.99);
    assert.deepEqual(plain, { delayMs: 990, windowSeconds: null });
  });

  it('failed attempts back off up to the cap, as before', () => {
    assert.equal(reconnectDelay(null, 3, PERIOD_MS, () => 0.5).delayMs, 4000);
    assert.equal(reconnectDelay(null, 20, PERIOD_MS, () => 0.5).delayMs, 15_000);
  });
});
