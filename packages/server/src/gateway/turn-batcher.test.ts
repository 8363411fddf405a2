import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TurnBatcher } from './turn-batcher';

describe('turn batcher', () => {
  it('settles what arrives in one turn together, in chunks, and the next turn apart', async () => {
    const settled: number[][] = [];
    const batcher = new TurnBatcher<number>(2, async (chunk) => {
      settled.push(chunk);
    });
    const first = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    await Promise.all(first);
    await batcher.add(6);
    assert.deepEqual(settled, [[1, 2], [3, 4], [5], [6]]);
  });

  it('lets the event loop run between chunks settled synchronously (SQLite)', async () => {
    const seen: string[] = [];
    const batcher = new TurnBatcher<number>(1, async (chunk) => {
      seen.push(`chunk ${chunk[0]}`);
      // Set during the first chunk: it runs before the second only if the batcher yields.
      if (chunk[0] === 1) setImmediate(() => seen.push('other work'));
    });
    await Promise.all([batcher.add(1), batcher.add(2)]);
    assert.deepEqual(seen, ['chunk 1', 'other work', 'chunk 2']);
  });

  it('settles one batch at a time: what arrives meanwhile goes together in the next', async () => {
    const settled: number[][] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batcher = new TurnBatcher<number>(100, async (chunk) => {
      settled.push(chunk);
      if (chunk[0] === 1) await held;
    });
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    // The first batch is being settled; these arrive over three turns while it is.
    const later = [batcher.add(2)];
    await new Promise((resolve) => setImmediate(resolve));
    later.push(batcher.add(3));
    await new Promise((resolve) => setImmediate(resolve));
    later.push(batcher.add(4));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(settled, [[1]], 'nothing else starts while a batch is settled');
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(settled, [[1], [2, 3, 4]]);
  });

  it('a failing chunk does not stop the rest, and callers still resolve', async () => {
    const settled: number[][] = [];
    const batcher = new TurnBatcher<number>(1, async (chunk) => {
      if (chunk[0] === 1) throw new Error('boom');
      settled.push(chunk);
    });
    await Promise.all([batcher.add(1), batcher.add(2)]);
    assert.deepEqual(settled, [[2]]);
  });
});
