import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShortCache } from './short-cache';

const TTL = 900;
const REFRESH = 300;
const KEEP_WARM = 5_000;

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
  const cache = new ShortCache<string>(TTL, () => now, {
    refreshAfterMs: REFRESH,
    keepWarmMs: KEEP_WARM,
    timer: false,
  });
  const loads = new Loads();
  return {
    cache,
    loads,
    advance: (ms: number) => {
      now += ms;
    },
    get: () => cache.load('k', loads.load),
    /** The entry of `value`, loaded now. */
    loaded: async (value: string) => {
      const first = cache.load('k', loads.load);
      loads.answer(value);
      await first;
    },
  };
}

/** Lets the event loop turn once, so what settled meanwhile has run its callbacks. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

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
  await nextTurn();
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
    const { loads, get, advance, loaded } = setup();
    await loaded('v1');
    advance(REFRESH - 1);
    assert.equal(await get(), 'v1');
    assert.equal(loads.asked, 1, 'young enough: no load');
    advance(1);
    // The store has not answered the refresh: the caller still gets its answer at once.
    assert.equal(await get(), 'v1');
    assert.equal(await get(), 'v1');
    assert.equal(loads.asked, 2, 'one background load, however many callers');
    loads.answer('v2');
    await nextTurn();
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
    const { cache, loads, get, advance, loaded } = setup();
    await loaded('v1');
    advance(REFRESH);
    assert.equal(await get(), 'v1'); // a refresh is under way
    cache.clear(); // e.g. this node revoked the token
    loads.answer('read-before-the-revocation');
    await nextTurn();
    const after = get();
    assert.equal(loads.asked, 3, 'the cleared entry is loaded again');
    loads.answer('after-the-revocation');
    assert.equal(await after, 'after-the-revocation');
  });

  it('keeps serving a live entry when a background load fails, and loads in the foreground once it ran out', async () => {
    const { loads, get, advance, loaded } = setup();
    await loaded('v1');
    advance(REFRESH);
    assert.equal(await get(), 'v1');
    loads.fail();
    await nextTurn();
    assert.equal(await get(), 'v1', 'still live');
    assert.equal(loads.asked, 3, 'the next caller tries the refresh again');
    loads.fail();
    await nextTurn();
    advance(TTL);
    const foreground = get();
    assert.equal(loads.asked, 4);
    loads.fail();
    await assert.rejects(foreground, /store down/);
  });

  it('keeps an entry in use fresh without waiting for its next caller, and lets an unused one go', async () => {
    const { cache, loads, get, advance, loaded } = setup();
    await loaded('v1');
    advance(REFRESH);
    cache.refreshHot();
    assert.equal(loads.asked, 2, 'the sweep refreshed an entry asked for lately');
    loads.answer('v2');
    await nextTurn();
    // A caller slower than the time to live still finds a live entry.
    advance(TTL - 1);
    cache.refreshHot();
    assert.equal(loads.asked, 3);
    loads.answer('v3');
    await nextTurn();
    assert.equal(await get(), 'v3');
    assert.equal(loads.asked, 3, 'answered from memory');
    // Not asked for within KEEP_WARM: no more loads, and the entry goes once it has run out.
    advance(KEEP_WARM);
    cache.refreshHot();
    assert.equal(loads.asked, 3);
    const cold = get();
    assert.equal(loads.asked, 4, 'a caller after that waits for a load');
    loads.answer('v4');
    assert.equal(await cold, 'v4');
  });

  it('sweeps on its own timer, which stops once nothing is left', async () => {
    const cache = new ShortCache<number>(90, Date.now, { refreshAfterMs: 30, keepWarmMs: 200 });
    let asked = 0;
    const load = async () => {
      asked += 1;
      return asked;
    };
    assert.equal(await cache.load('k', load), 1);
    // Nobody asks again: the timer alone refreshes it while it counts as in use.
    const until = Date.now() + 5_000;
    while (asked < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(asked >= 2, 'the timer loaded it afresh');
    cache.clear();
    const after = asked;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(asked, after, 'nothing is loaded once the cache was cleared');
  });

  it('takes a load that throws at once as a failed load, in the sweep too', async () => {
    let now = 1_000;
    const cache = new ShortCache<string>(TTL, () => now, { refreshAfterMs: REFRESH, timer: false });
    assert.equal(await cache.load('k', async () => 'v1'), 'v1');
    now += REFRESH;
    const closed = (): Promise<string> => {
      throw new Error('the database is closed');
    };
    assert.equal(await cache.load('k', closed), 'v1', 'a live entry is served; its refresh fails quietly');
    await nextTurn();
    assert.doesNotThrow(() => cache.refreshHot());
    await nextTurn();
    now += TTL;
    await assert.rejects(cache.load('k', closed), /the database is closed/);
  });
});
