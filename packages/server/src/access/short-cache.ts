/**
 * A map whose entries live at most `ttlMs`. Credential checks use it so that a revocation,
 * expiry or disabled user is seen by every server node within that time: nothing here is
 * remembered "forever". Bounded: past `maxEntries` the oldest entries are dropped.
 */
export class ShortCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value, unless absent or older than the time to live. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Remembers a value for the time to live. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: this.clock() + this.ttlMs });
  }

  /** Forgets one entry (this node revoked it: no need to wait out the time to live). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }
}
