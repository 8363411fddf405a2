/** A remembered value and when the load that read it began. */
interface Entry<V> {
  value: V;
  loadedAt: number;
}

/**
 * A map whose entries are served at most `ttlMs` after the load that read them began.
 * Credential checks use it so that a revocation, expiry or disabled user is seen by every
 * server node within that time: nothing here is remembered "forever". Bounded: past
 * `maxEntries` the oldest entries are dropped.
 *
 * An entry older than `refreshAfterMs` is still served while it is live, and a fresh one is
 * loaded in the background meanwhile, so a caller who keeps coming (a console, a script) never
 * waits for the store. On a node busy with a fan-out, each wait for the store took a turn of a
 * loaded event loop: GET /api/v1/server, answered from memory, took up to 650 ms every time its
 * token's entry had run out (bench:scale, 12,000 agents).
 */
export class ShortCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** The load under way for a key; it stores its value only while it is still the one here. */
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly maxEntries = 10_000,
    private readonly refreshAfterMs = Math.floor(ttlMs / 3),
  ) {}

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
      if (entry.loadedAt + this.refreshAfterMs <= now && !this.loading.has(key)) {
        this.start(key, load).catch(() => {
          // The entry runs out at its time; the next caller after that loads in the foreground.
        });
      }
      return entry.value;
    }
    if (entry) this.entries.delete(key);
    return this.loading.get(key) ?? this.start(key, load);
  }

  /** Forgets everything, loads under way included. */
  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }

  private start(key: string, load: () => Promise<V>): Promise<V> {
    const loadedAt = this.clock();
    const loaded = load().then(
      (value) => {
        if (this.loading.get(key) === loaded) {
          this.loading.delete(key);
          this.store(key, { value, loadedAt });
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
  }
}
