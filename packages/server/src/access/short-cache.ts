/** A remembered value, when the load that read it began, and how to read it again. */
interface Entry<V> {
  value: V;
  loadedAt: number;
  /** When a caller last asked for it. */
  usedAt: number;
  load: () => Promise<V>;
}

/** Options of a cache (the defaults suit credential checks). */
export interface ShortCacheOptions {
  /** Entries kept at most; past it the oldest are dropped. */
  maxEntries?: number;
  /** Age past which a fresh value is loaded in the background (default a third of the time to live). */
  refreshAfterMs?: number;
  /** An entry asked for within this time is kept fresh without waiting for its next caller. */
  keepWarmMs?: number;
  /** Sweeps for entries to refresh on this timer (false: only when `refreshHot` is called). */
  timer?: boolean;
}

/** Nothing to do with a background load that failed: its entry runs out at its time. */
const ignore = (): void => {};

/**
 * A map whose entries are served at most `ttlMs` after the load that read them began.
 * Credential checks use it so that a revocation, expiry or disabled user is seen by every
 * server node within that time: nothing here is remembered "forever". Bounded: past
 * `maxEntries` the oldest entries are dropped.
 *
 * Entries in use are kept fresh in the background: once older than `refreshAfterMs` a fresh
 * one is loaded while the old one is served, by its next caller or by a sweep for entries asked
 * for within `keepWarmMs`, so a caller who keeps coming (a console, a script) does not wait for
 * the store. On a node busy with a fan-out, each wait for the store took a turn of a loaded
 * event loop: GET /api/v1/server, otherwise answered from memory, took up to 650 ms whenever its
 * token's entry had run out (bench:scale, 12,000 agents), and a caller slower than the time to
 * live always found it run out.
 */
export class ShortCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** The load under way for a key; it stores its value only while it is still the one here. */
  private readonly loading = new Map<string, Promise<V>>();
  private readonly maxEntries: number;
  private readonly refreshAfterMs: number;
  private readonly keepWarmMs: number;
  private readonly timed: boolean;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    options: ShortCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.refreshAfterMs = options.refreshAfterMs ?? Math.floor(ttlMs / 3);
    this.keepWarmMs = options.keepWarmMs ?? 10_000;
    this.timed = options.timer ?? true;
  }

  /**
   * The value of `key`: the remembered one while it is live (loading a fresh one in the
   * background once it is older than `refreshAfterMs`), else one `load` reads now. One load
   * per key at a time: callers meanwhile share it. A background load that fails leaves the
   * entry to run out; a load that fails in the foreground rejects its callers.
   */
  async load(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    const now = this.clock();
    if (entry && entry.loadedAt + this.ttlMs > now) {
      entry.usedAt = now;
      entry.load = load;
      if (entry.loadedAt + this.refreshAfterMs <= now && !this.loading.has(key)) {
        this.start(key, load).catch(ignore);
      }
      return entry.value;
    }
    if (entry) this.entries.delete(key);
    return this.loading.get(key) ?? this.start(key, load);
  }

  /**
   * Loads afresh, in the background, each entry asked for within `keepWarmMs` that is past its
   * refresh age, and forgets the entries that ran out. The timer calls it; tests call it with
   * their own clock.
   */
  refreshHot(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      if (entry.loadedAt + this.ttlMs <= now && entry.usedAt + this.keepWarmMs <= now) {
        this.entries.delete(key);
      } else if (
        entry.usedAt + this.keepWarmMs > now &&
        entry.loadedAt + this.refreshAfterMs <= now &&
        !this.loading.has(key)
      ) {
        this.start(key, entry.load).catch(ignore);
      }
    }
    if (this.entries.size === 0) this.stopSweeping();
  }

  /** Forgets everything, loads under way included. */
  clear(): void {
    this.entries.clear();
    this.loading.clear();
    this.stopSweeping();
  }

  private start(key: string, load: () => Promise<V>): Promise<V> {
    const loadedAt = this.clock();
    let reading: Promise<V>;
    try {
      reading = load();
    } catch (error) {
      // A store that throws at once (a closed SQLite file) must not throw out of the sweep's timer.
      reading = Promise.reject(error);
    }
    const loaded = reading.then(
      (value) => {
        if (this.loading.get(key) === loaded) {
          this.loading.delete(key);
          const usedAt = this.entries.get(key)?.usedAt ?? loadedAt;
          this.store(key, { value, loadedAt, usedAt, load });
        }
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  private store(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
    if (this.timed && this.sweeper === null) {
      // Often enough that a refresh starts well before the entry runs out; never keeps a
      // process alive.
      this.sweeper = setInterval(() => this.refreshHot(), Math.max(10, this.refreshAfterMs / 2));
      this.sweeper.unref();
    }
  }

  private stopSweeping(): void {
    if (this.sweeper === null) return;
    clearInterval(this.sweeper);
    this.sweeper = null;
  }
}
