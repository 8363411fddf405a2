import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkinDelayMs, retryDelayMs } from './checkin-schedule';

describe('check-in schedule', () => {
  test('the interval in minutes becomes real milliseconds, compressed by the time scale', () => {
    assert.equal(checkinDelayMs(720), 720 * 60_000);
    assert.equal(checkinDelayMs(720, 720), 60_000);
    assert.equal(checkinDelayMs(1, 600), 100);
  });

  test('delays stay within what setTimeout can do', () => {
    assert.equal(checkinDelayMs(60 * 24 * 365), 2 ** 31 - 1);
    assert.equal(checkinDelayMs(1, 1e12), 1);
    // Nonsense settings fall back to one minute rather than a busy loop.
    assert.equal(checkinDelayMs(0), 60_000);
    assert.equal(checkinDelayMs(Number.NaN, -5), 60_000);
  });

  test('retries back off from 15-30 s, doubling, never beyond the interval', () => {
    assert.equal(
      retryDelayMs(1, 720, 1, () => 0),
      15_000,
    );
    assert.equal(
      retryDelayMs(1, 720, 1, () => 1),
      30_000,
    );
    assert.equal(
      retryDelayMs(3, 720, 1, () => 1),
      120_000,
    );
    assert.equal(
      retryDelayMs(40, 720, 1, () => 1),
      720 * 60_000,
    );
    assert.equal(
      retryDelayMs(1, 720, 30, () => 1),
      1000,
    );
  });
});
