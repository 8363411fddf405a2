import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullJitterDelay, type WakeAttemptResult, type WakeRetryOptions, withWakeRetry } from './wake-retry';

const transient: WakeAttemptResult = { status: 'failed', reason: 'busy', retryable: true };
const permanent: WakeAttemptResult = { status: 'failed', reason: 'unknown device', retryable: false };

/** An attempt function answering from a script, counting its calls. */
function scripted(results: WakeAttemptResult[]): {
  attempt: () => Promise<WakeAttemptResult>;
  calls: () => number;
} {
  let calls = 0;
  return {
    attempt: async () => {
      const result = results[Math.min(calls, results.length - 1)]!;
      calls += 1;
      return result;
    },
    calls: () => calls,
  };
}

/** Retry options with a recording fake sleep and a fixed random. */
function fakeTime(
  random: number,
  extra: WakeRetryOptions = {},
): { options: WakeRetryOptions; slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    options: {
      random: () => random,
      sleep: async (ms) => {
        slept.push(ms);
      },
      ...extra,
    },
  };
}

describe('fullJitterDelay', () => {
  it('is uniform below min(cap, base * 2^retry)', () => {
    assert.equal(fullJitterDelay(0, 100, 10_000, 0.5), 50);
    assert.equal(fullJitterDelay(1, 100, 10_000, 0.5), 100);
    assert.equal(fullJitterDelay(3, 100, 10_000, 0.5), 400);
    assert.equal(fullJitterDelay(10, 100, 1000, 0.5), 500);
    assert.equal(fullJitterDelay(2, 100, 10_000, 0), 0);
    assert.equal(fullJitterDelay(0, 100, 10_000, 0.9999), 99);
  });
});

describe('withWakeRetry', () => {
  it('returns at once on success, counting one attempt and keeping the message id', async () => {
    const { options, slept } = fakeTime(0.5);
    const script = scripted([{ status: 'sent', providerMessageId: 'id-1' }]);
    assert.deepEqual(await withWakeRetry(script.attempt, options), {
      status: 'sent',
      providerMessageId: 'id-1',
      attempts: 1,
    });
    assert.deepEqual(slept, []);
  });

  it('retries retryable failures with exponentially growing, jittered waits until sent', async () => {
    const { options, slept } = fakeTime(0.5, { baseDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 5 });
    const script = scripted([transient, transient, { status: 'sent' }]);
    assert.deepEqual(await withWakeRetry(script.attempt, options), { status: 'sent', attempts: 3 });
    assert.deepEqual(slept, [50, 100]);
  });

  it('caps the waits and returns the last retryable failure when attempts run out', async () => {
    const { options, slept } = fakeTime(0.9999, { baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 5 });
    const script = scripted([transient]);
    assert.deepEqual(await withWakeRetry(script.attempt, options), {
      status: 'failed',
      reason: 'busy',
      retryable: true,
      attempts: 5,
    });
    assert.equal(script.calls(), 5);
    assert.deepEqual(slept, [99, 199, 299, 299]);
  });

  it('draws a fresh random value for every wait (full jitter, not a fixed schedule)', async () => {
    const values = [0.1, 0.9, 0.4];
    const slept: number[] = [];
    const script = scripted([transient, transient, transient, { status: 'sent' }]);
    await withWakeRetry(script.attempt, {
      baseDelayMs: 100,
      maxDelayMs: 10_000,
      maxAttempts: 4,
      random: () => values.shift()!,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    assert.deepEqual(slept, [10, 180, 160]);
  });

  it('never retries a non-retryable failure', async () => {
    const { options, slept } = fakeTime(0.5, { maxAttempts: 10 });
    const script = scripted([transient, permanent, { status: 'sent' }]);
    assert.deepEqual(await withWakeRetry(script.attempt, options), {
      status: 'failed',
      reason: 'unknown device',
      retryable: false,
      attempts: 2,
    });
    assert.equal(script.calls(), 2);
    assert.equal(slept.length, 1);
  });

  it('waits at least a server-given Retry-After, but no longer than the cap', async () => {
    const { options, slept } = fakeTime(0.5, { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 3 });
    const script = scripted([
      { status: 'failed', reason: 'slow down', retryable: true, retryAfterMs: 700 },
      { status: 'failed', reason: 'slow down', retryable: true, retryAfterMs: 60_000 },
      { status: 'sent' },
    ]);
    assert.equal((await withWakeRetry(script.attempt, options)).status, 'sent');
    assert.deepEqual(slept, [700, 1000]);
  });

  it('does not start when the deadline has passed', async () => {
    const { options } = fakeTime(0.5, { now: () => 2000 });
    const script = scripted([{ status: 'sent' }]);
    assert.deepEqual(await withWakeRetry(script.attempt, options, 2000), {
      status: 'failed',
      reason: 'message expired before it was sent',
      retryable: false,
      attempts: 0,
    });
    assert.equal(script.calls(), 0);
  });

  it('stops retrying when the next wait would pass the deadline', async () => {
    let clock = 0;
    const slept: number[] = [];
    const script = scripted([transient]);
    const outcome = await withWakeRetry(
      script.attempt,
      {
        baseDelayMs: 100,
        maxDelayMs: 10_000,
        maxAttempts: 10,
        random: () => 0.5,
        now: () => clock,
        sleep: async (ms) => {
          slept.push(ms);
          clock += ms;
        },
      },
      250,
    );
    // Waits 50 (t=50), then 100 (t=150); the next wait of 200 would end at 350 > 250.
    assert.deepEqual(slept, [50, 100]);
    assert.deepEqual(outcome, {
      status: 'failed',
      reason: 'busy (message expired before a retry)',
      retryable: false,
      attempts: 3,
    });
  });

  it('turns a throwing attempt into a final failure instead of rejecting', async () => {
    const { options, slept } = fakeTime(0.5);
    const outcome = await withWakeRetry(async () => {
      throw new Error('provider bug');
    }, options);
    assert.deepEqual(outcome, { status: 'failed', reason: 'provider bug', retryable: false, attempts: 1 });
    assert.deepEqual(slept, []);
  });

  it('always makes at least one attempt, and defaults to three', async () => {
    const one = scripted([transient]);
    assert.equal((await withWakeRetry(one.attempt, fakeTime(0, { maxAttempts: 0 }).options)).attempts, 1);
    const three = scripted([transient]);
    assert.equal((await withWakeRetry(three.attempt, fakeTime(0).options)).attempts, 3);
  });
});
