import type { HashList } from './hash-list';
import { ReplicationError } from './replication-error';
import type { BasisDescription } from './wire-messages';

/**
 * The offsite copy of a file as the sender sees it: per block a weak checksum and the first
 * `strongLength` bytes of its SHA-256. Damaged blocks are never matched, so they get re-sent.
 */
export interface BasisSignature extends BasisDescription {
  weaks: Uint32Array;
  strongs: Buffer;
}

/** Encodes per-block weak checksums and truncated SHA-256s into the wire layout. */
export function encodeSignature(weaks: readonly number[], strongs: HashList, strongLength: number): Buffer {
  const entry = 4 + strongLength;
  const out = Buffer.allocUnsafe(weaks.length * entry);
  for (let i = 0; i < weaks.length; i++) {
    out.writeUInt32BE(weaks[i]!, i * entry);
    strongs.get(i).copy(out, i * entry + 4, 0, strongLength);
  }
  return out;
}

/** Decodes the signature bytes announced by a basis description; their length must be exact. */
export function decodeSignature(description: BasisDescription, bytes: Buffer): BasisSignature {
  const entry = 4 + description.strongLength;
  if (bytes.length !== description.blocks * entry)
    throw new ReplicationError('protocol-violation', 'signature length does not match its description');
  const weaks = new Uint32Array(description.blocks);
  const strongs = Buffer.allocUnsafe(description.blocks * description.strongLength);
  for (let i = 0; i < description.blocks; i++) {
    weaks[i] = bytes.readUInt32BE(i * entry);
    bytes.copy(strongs, i * description.strongLength, i * entry + 4, (i + 1) * entry);
  }
  return { ...description, weaks, strongs };
}

/** Bytes in block `index` of the basis (the last one may be short). */
export function basisBlockLength(signature: BasisDescription, index: number): number {
  return Math.min(signature.blockSize, signature.size - index * signature.blockSize);
}

/** Whether `hash` (a full SHA-256) matches block `index` of the signature. */
export function strongMatches(signature: BasisSignature, index: number, hash: Buffer): boolean {
  const length = signature.strongLength;
  return hash.compare(signature.strongs, index * length, (index + 1) * length, 0, length) === 0;
}

const FILTER_BITS = 20;

/**
 * Lookup from weak checksum to the full-size basis blocks that have it, fronted by a 1 Mi-entry
 * filter so most rolling positions are rejected with a single array read. The blocks are kept
 * sorted by weak checksum in two typed arrays (8 bytes a block): a Map of arrays cost about
 * 80 bytes a block on the heap, 5 MiB for a 4 GiB image at 64 KiB blocks.
 */
export class SignatureIndex {
  readonly filter = new Uint8Array(1 << FILTER_BITS);
  /** Block indexes, ordered by weak checksum (then by index). */
  private readonly order: Uint32Array;
  /** The weak checksum of each entry of `order`. */
  private readonly sortedWeaks: Uint32Array;

  constructor(readonly signature: BasisSignature) {
    const damaged = new Set(signature.damaged);
    const usable: number[] = [];
    for (let i = 0; i < signature.blocks; i++) {
      if (damaged.has(i) || basisBlockLength(signature, i) !== signature.blockSize) continue;
      usable.push(i);
    }
    const weaks = signature.weaks;
    this.order = Uint32Array.from(usable).sort((a, b) => weaks[a]! - weaks[b]! || a - b);
    this.sortedWeaks = new Uint32Array(this.order.length);
    for (let i = 0; i < this.order.length; i++) {
      const weak = weaks[this.order[i]!]!;
      this.sortedWeaks[i] = weak;
      this.filter[filterSlot(weak)] = 1;
    }
  }

  /** Blocks whose weak checksum is `weak`, in file order (never damaged ones). */
  candidates(weak: number): Uint32Array | undefined {
    if (!this.filter[filterSlot(weak)]) return undefined;
    const target = weak >>> 0;
    const sorted = this.sortedWeaks;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid]! < target) low = mid + 1;
      else high = mid;
    }
    let end = low;
    while (end < sorted.length && sorted[end] === target) end++;
    return end > low ? this.order.subarray(low, end) : undefined;
  }
}

/** The mask that takes a weak checksum's slot in the filter. */
export const FILTER_MASK = (1 << FILTER_BITS) - 1;

/** Slot of a weak checksum in the filter: all of s1's 16 bits and four of s2's. */
export function filterSlot(weak: number): number {
  return weak & FILTER_MASK;
}
