import { createHash } from 'node:crypto';
import { HashList } from './hash-list';
import { weakChecksum } from './rolling-checksum';

/** SHA-256 of one buffer. */
export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * The whole-file digest: SHA-256 over the block size, the length and every block's SHA-256.
 * It covers every byte, and lets a receiver that already holds verified block hashes (an
 * aligned match, a resumed partial) check the whole file without hashing data twice.
 */
export function fileDigest(blockSize: number, size: number, strongs: Iterable<Uint8Array>): string {
  const hash = createHash('sha256');
  const head = Buffer.alloc(12);
  head.writeUInt32BE(blockSize, 0);
  head.writeBigUInt64BE(BigInt(size), 4);
  hash.update('muster-digest-v1').update(head);
  for (const strong of strongs) hash.update(strong);
  return hash.digest('hex');
}

/**
 * Splits a byte stream into blocks of a fixed size and keeps each block's SHA-256 (and, when
 * asked, its weak checksum) for the manifest and the file digest. Blocks already known to be
 * good (an aligned copy of a verified basis block) can be added without hashing them again.
 */
export class BlockHasher {
  /** Weak checksum per completed block (empty unless `withWeak`). */
  readonly weaks: number[] = [];
  /** SHA-256 per completed block (hash-list.ts: 32 bytes a block, not a Buffer each). */
  readonly strongs = new HashList();
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private total = 0;

  constructor(
    readonly blockSize: number,
    private readonly withWeak: boolean,
  ) {}

  /** Bytes hashed so far. */
  get length(): number {
    return this.total;
  }

  /** True when no partial block is waiting, so a known block may be added. */
  get atBoundary(): boolean {
    return this.pendingLength === 0;
  }

  /** Hashes more bytes of the stream. */
  update(data: Buffer): void {
    this.total += data.length;
    let offset = 0;
    if (this.pendingLength > 0) {
      const need = Math.min(this.blockSize - this.pendingLength, data.length);
      // Pieces of a block are copied: the caller may reuse its buffer once this returns.
      this.pending.push(Buffer.from(data.subarray(0, need)));
      this.pendingLength += need;
      offset = need;
      if (this.pendingLength < this.blockSize) return;
      this.addBlock(Buffer.concat(this.pending));
      this.pending = [];
      this.pendingLength = 0;
    }
    while (data.length - offset >= this.blockSize) {
      this.addBlock(data.subarray(offset, offset + this.blockSize));
      offset += this.blockSize;
    }
    if (offset < data.length) {
      this.pending.push(Buffer.from(data.subarray(offset)));
      this.pendingLength = data.length - offset;
    }
  }

  /**
   * Whether `length` bytes added now would be exactly one block of a stream `totalSize` bytes
   * long (a full block, or the short last one), starting at a block boundary: then hashes
   * known for those bytes may be added with addKnownBlock instead of hashing them again.
   */
  isWholeBlock(length: number, totalSize: number): boolean {
    if (!this.atBoundary) return false;
    return length === this.blockSize || (length < this.blockSize && this.total + length === totalSize);
  }

  /** Adds a whole block whose hashes are already verified; only valid at a block boundary. */
  addKnownBlock(length: number, weak: number, strong: Buffer): void {
    if (!this.atBoundary) throw new Error('addKnownBlock needs a block boundary');
    this.total += length;
    if (this.withWeak) this.weaks.push(weak);
    this.strongs.push(strong);
  }

  /** Hashes the trailing short block, if any. Call once, at the end of the stream. */
  finish(): void {
    if (this.pendingLength > 0) this.addBlock(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingLength = 0;
  }

  /** The whole-file digest of what was hashed (after finish). */
  digest(): string {
    return fileDigest(this.blockSize, this.total, this.strongs);
  }

  private addBlock(block: Buffer): void {
    if (this.withWeak) this.weaks.push(weakChecksum(block));
    this.strongs.push(sha256(block));
  }
}
