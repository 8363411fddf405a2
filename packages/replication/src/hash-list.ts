/** Bytes of one SHA-256. */
const HASH_BYTES = 32;

/** Hashes per slab (32 KiB): 64 slabs for a 4 GiB file at 64 KiB blocks. */
const SLAB_HASHES = 1024;

/**
 * Hashes in the first slab: most files are small, and a 32 KiB slab for each of 10,000 small
 * files is 320 MB allocated for 10,000 hashes; larger files go on in full slabs.
 */
const FIRST_SLAB_HASHES = 8;

/**
 * The SHA-256 of every block of a file, 32 bytes each in a few slabs. An array of a Buffer per
 * block cost about 800 bytes a block with the digests' own backing stores (50 MiB for a 4 GiB
 * file at 64 KiB blocks), and still about 90 bytes a block as views of shared memory; both ends
 * hold a list per file being sent or received, the offsite two (the basis and the new file).
 */
export class HashList implements Iterable<Buffer> {
  private readonly slabs: Buffer[] = [];
  private count = 0;

  /** A list holding copies of `hashes`. */
  static from(hashes: Iterable<Uint8Array>): HashList {
    const list = new HashList();
    for (const hash of hashes) list.push(hash);
    return list;
  }

  /** Number of hashes held. */
  get length(): number {
    return this.count;
  }

  /** Appends a copy of a 32-byte hash (the caller's buffer may be reused). */
  push(hash: Uint8Array): void {
    if (hash.length !== HASH_BYTES)
      throw new RangeError(`a block hash has ${HASH_BYTES} bytes, not ${hash.length}`);
    const [slab, slot] = this.place(this.count);
    if (slot === 0)
      this.slabs.push(Buffer.allocUnsafeSlow((slab === 0 ? FIRST_SLAB_HASHES : SLAB_HASHES) * HASH_BYTES));
    this.slabs[slab]!.set(hash, slot * HASH_BYTES);
    this.count += 1;
  }

  /** Hash `index` (a view: valid while the list lives; copy it to keep it past a set()). */
  get(index: number): Buffer {
    if (!Number.isInteger(index) || index < 0 || index >= this.count)
      throw new RangeError(`no hash ${index}`);
    const [slab, slot] = this.place(index);
    return this.slabs[slab]!.subarray(slot * HASH_BYTES, (slot + 1) * HASH_BYTES);
  }

  /** Which slab, and which slot in it, hash `index` is in. */
  private place(index: number): [number, number] {
    if (index < FIRST_SLAB_HASHES) return [0, index];
    const rest = index - FIRST_SLAB_HASHES;
    return [1 + Math.floor(rest / SLAB_HASHES), rest % SLAB_HASHES];
  }

  /** Replaces hash `index` with a copy of `hash`. */
  set(index: number, hash: Uint8Array): void {
    if (hash.length !== HASH_BYTES)
      throw new RangeError(`a block hash has ${HASH_BYTES} bytes, not ${hash.length}`);
    this.get(index).set(hash);
  }

  /** Whether hash `index` exists and equals `hash`. */
  matches(index: number, hash: Uint8Array): boolean {
    return index >= 0 && index < this.count && this.get(index).equals(hash);
  }

  *[Symbol.iterator](): Iterator<Buffer> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }
}
