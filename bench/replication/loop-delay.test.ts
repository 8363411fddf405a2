import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DELAY_RESOLUTION_MS, latenessMs, loopDelaySummary, startLoopDelay } from './loop-delay';

describe('loop delay', () => {
  it('reads a histogram value as lateness beyond the timer resolution, never below 0', () => {
    assert.equal(latenessMs((DELAY_RESOLUTION_MS + 5.004) * 1e6), 5);
    assert.equal(latenessMs((DELAY_RESOLUTION_MS - 1) * 1e6), 0);
  });

  it('sees a blocked event loop in this process', async () => {
    const histogram = startLoopDelay();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const end = Date.now() + 150;
    while (Date.now() < end);
    await new Promise((resolve) => setTimeout(resolve, 50));
    histogram.disable();
    const summary = loopDelaySummary(histogram);
    assert.ok(summary.count > 0);
    assert.ok((summary.maxMs ?? 0) >= 100, `max ${summary.maxMs} ms`);
    assert.ok((summary.p50Ms ?? Number.POSITIVE_INFINITY) < 100, `p50 ${summary.p50Ms} ms`);
  });
});
