/**
 * Reuses the large buffers that carry file data (received frames, reads of the file), so a
 * transfer at full speed runs in a few megabytes instead of leaving garbage for the collector
 * to find later (a gigabyte a few seconds is enough to hold tens of megabytes of dead buffers).
 * Only buffers taken here are ever given back; a buffer must be given back only once nothing
 * refers to it any more. Once `shared`, new buffers are SharedArrayBuffers, which a hash
 * worker reads in place (hash-pool.ts) instead of being sent a copy.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBufferLike[]>();
  private readonly mine = new WeakSet<ArrayBufferLike>();
  private retained = 0;

  constructor(
    /** Bytes kept for reuse at most; beyond that, given buffers are left to the collector. */
    private readonly maxRetained: number,
    /** Smaller requests are plain allocations (node's own slab serves them well). */
    private readonly minSize = 16 * 1024,
    /** Back the buffers with shared memory, for worker threads to read. */
    private shared = false,
  ) {}

  /**
   * Backs the buffers taken from now on with shared memory (worker threads will hash them).
   * Only then: JavaScript copies out of shared memory run at 2-3 GB/s against 35 from plain
   * memory here, and every frame, read and hash input is copied at least once. Buffers kept for
   * reuse that are not shared are let go.
   */
  shareWithWorkers(): void {
    if (this.shared) return;
    this.shared = true;
    this.free.clear();
    this.retained = 0;
  }

  /** A buffer of exactly `length` bytes (contents undefined). */
  take(length: number): Buffer {
    if (length < this.minSize) return Buffer.allocUnsafe(length);
    const capacity = sizeClass(length);
    const list = this.free.get(capacity);
    let backing = list?.pop();
    if (backing) this.retained -= capacity;
    else {
      backing = this.shared ? new SharedArrayBuffer(capacity) : new ArrayBuffer(capacity);
      this.mine.add(backing);
    }
    return Buffer.from(backing, 0, length);
  }

  /** Gives back a buffer from take() (or a view of one); anything else is ignored. */
  give(buffer: Buffer): void {
    const backing = buffer.buffer;
    if (!this.mine.has(backing)) return;
    const capacity = backing.byteLength;
    const list = this.free.get(capacity);
    if (list?.includes(backing)) return;
    // A plain buffer taken before shareWithWorkers() is not kept for reuse after it.
    if (capacity > this.maxRetained || this.shared !== backing instanceof SharedArrayBuffer) {
      this.mine.delete(backing);
      return;
    }
    // The sizes in use now win over sizes kept from earlier work: an offsite whose pool was
    // full of a seeding's 72 KiB frames allocated a fresh 1 MiB buffer for every read of a
    // clone's moved blocks (2 GiB of garbage in a pass, 25 MiB more resident at its peak).
    this.evictOtherSizes(capacity, this.retained + capacity - this.maxRetained);
    if (this.retained + capacity > this.maxRetained) {
      this.mine.delete(backing);
      return;
    }
    // Most recently given size last: eviction starts with the sizes given back longest ago.
    const kept = list ?? [];
    kept.push(backing);
    this.free.delete(capacity);
    this.free.set(capacity, kept);
    this.retained += capacity;
  }

  /** Lets go of kept buffers of sizes other than `keep`, oldest size first, until `bytes` are freed. */
  private evictOtherSizes(keep: number, bytes: number): void {
    for (const [capacity, list] of this.free) {
      if (bytes <= 0) return;
      if (capacity === keep) continue;
      while (list.length > 0 && bytes > 0) {
        this.mine.delete(list.pop()!);
        this.retained -= capacity;
        bytes -= capacity;
      }
      if (list.length === 0) this.free.delete(capacity);
    }
  }
}

/**
 * The capacity a request of `length` bytes is served with: the next power of two would waste
 * up to half (a 64 KiB block with its 32-byte checksum took 128 KiB, doubling every received
 * frame's memory), so each power of two is split in eight steps: at most 1/8 more than asked,
 * and requests of one size (a file's frames, the encoder's reads) still share one free list.
 */
export function sizeClass(length: number): number {
  if (length <= 8) return 8;
  const step = 2 ** (Math.floor(Math.log2(length)) - 3);
  return Math.ceil(length / step) * step;
}

/**
 * The pool of this process's file data buffers (both roles draw on it). Plain memory, until an
 * offsite server with hash threads makes it shared (its workers then read received blocks
 * without a copy).
 */
export const dataBuffers = new BufferPool(4 * 1024 * 1024, 16 * 1024);
