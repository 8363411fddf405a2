import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoalescingRunner } from './coalescing-runner';

/** A task whose runs are released by hand, to control overlap exactly. */
function gatedTask() {
  const gates: Array<() => void> = [];
  let started = 0;
  let running = 0;
  let maxRunning = 0;
  const task = async () => {
    started += 1;
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running -= 1;
    return started;
  };
  return {
    task,
    release: async () => {
      while (gates.length === 0) await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    },
    stats: () => ({ started, maxRunning }),
  };
}

describe('CoalescingRunner', () => {
  test('calls during a run share one follow-up run, never overlapping', async () => {
    const gated = gatedTask();
    const runner = new CoalescingRunner(gated.task);
    const first = runner.run();
    const followUps = [runner.run(), runner.run(), runner.run()];
    assert.equal(followUps[0], followUps[1]);
    await gated.release();
    assert.equal(await first, 1);
    await gated.release();
    assert.deepEqual(await Promise.all(followUps), [2, 2, 2]);
    assert.deepEqual(gated.stats(), { started: 2, maxRunning: 1 });
  });

  test('a failed run does not stop the follow-up, and idle waits for both', async () => {
    let calls = 0;
    const runner = new CoalescingRunner(async () => {
      calls += 1;
      if (calls === 1) throw new Error('offline');
      return calls;
    });
    const first = runner.run();
    const second = runner.run();
    await assert.rejects(first, /offline/);
    assert.equal(await second, 2);
    await runner.idle();
    assert.equal(await runner.run(), 3);
  });
});
