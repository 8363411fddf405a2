import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShortCache } from './short-cache';

const TTL = 900;
const REFRESH = 300;

/** Loads whose answers the test gives, one at a time, counting how many were asked for. */
class Loads {
  asked = 0;
  private pending: Array<{ resolve(v: string): void; reject(e: Error): void }> = [];

  load = (): Promise<string> => {
    this.asked += 1;
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  };

  answer(value: string): void {
    const next = this.pending.shift();
    assert.ok(next, 'a load was waiting');
    next.resolve(value);
  }

  fail(): void {
    this.pending.shift()?.reject(new Error('store down'));
  }
}

function setup() {
  let now = 1_000;
  const cache = new ShortCache<string>(TTL, () => now, 100, REFRESH);
  const loads = new Loads();
  return {
    cache,
    loads,
    advance: (ms: number) => {
      now += ms;
    },
    get: () => cache.load('k', loads.load),
  };
}

/** Whether the promise has settled after the current microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('ShortCache', () => {
  it('loads once for callers that come while a load is under way', async () => {
    const { loads, get } = setup();
    const first = get();
    const second = get();
    loads.answer('v1');
    assert.deepEqual(await Promise.all([first, second]), ['v1', 'v1']);
    assert.equal(loads.asked, 1);
  });

  it('serves a live entry past its refresh age at once and loads a fresh one meanwhile', async () => {
    const { loads, get, advance } = setup();
    const first = get();
    loads.answer('v1');
    await first;
    advance(REFRESH - 1);
    assert.equal(await get(), 'v1');
    assert.equal(loads.asked, 1, 'young enough: no load');
    advance(1);
    // The store has not answered the refresh: the caller still gets its answer at once.
    assert.equal(await get(), 'v1');
    assert.equal(await get(), 'v1');
    assert.equal(loads.asked, 2, 'one background load, however many callers');
    loads.answer('v2');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await get(), 'v2');
    assert.equal(loads.asked, 2);
  });

  it('never serves an entry past its time to live, counted from when its load began', async () => {
    const { loads, get, advance } = setup();
    const first = get();
    advance(100); // the store took 100 ms to answer: the entry's age counts from the start
    loads.answer('v1');
    await first;
    advance(REFRESH);
    assert.equal(await get(), 'v1'); // starts a refresh that the store does not answer
    advance(TTL - REFRESH - 100);
    const waiting = get();
    assert.equal(await settled(waiting), false, 'past its time to live the entry is not served');
    assert.equal(loads.asked, 2, 'the caller waits for the refresh under way, no second load');
    loads.answer('v2');
    assert.equal(await waiting, 'v2');
  });

  it('clear() keeps a load that began before it from storing what it read', async () => {
    const { cache, loads, get, advance } = setup();
    const first = get();
    loads.answer('v1');
    await first;
    advance(REFRESH);
    assert.equal(await get(), 'v1'); // a refresh is under way
    cache.clear(); // e.g. this node revoked the token
    loads.answer('read-before-the-revocation');
    await new Promise((resolve) => setImmediate(resolve));
    const after = get();
    assert.equal(loads.asked, 3, 'the cleared entry is loaded again');
    loads.answer('after-the-revocation');
    assert.equal(await after, 'after-the-revocation');
  });

  it('keeps serving a live entry when a background load fails, and loads in the foreground once it ran out', async () => {
    const { loads, get, advance } = setup();
    const first = get();
    loads.answer('v1');
    await first;
    advance(REFRESH);
    assert.equal(await get(), 'v1');
    loads.fail();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await get(), 'v1', 'still live');
    assert.equal(loads.asked, 3, 'the next caller tries the refresh again');
    loads.fail();
    await new Promise((resolve) => setImmediate(resolve));
    advance(TTL);
    const foreground = get();
    assert.equal(loads.asked, 4);
    loads.fail();
    await assert.rejects(foreground, /store down/);
  });
});
