import { endianness } from 'node:os';
import { combineWeak, weakChecksumVectors } from './weak-checksum-simd';

const LITTLE_ENDIAN = endianness() === 'LE';

/** Shorter data is summed in JavaScript: the copy into WebAssembly's memory would not pay. */
const SIMD_MIN_LENGTH = 256;

/**
 * rsync's weak checksum: s1 = sum of bytes, s2 = sum of the running s1, both mod 2^16, packed
 * as s1 | s2 << 16. Cheap enough to recompute at every byte offset when rolling.
 */
export function weakChecksum(data: Uint8Array, start = 0, end = data.length): number {
  const length = end - start;
  if (length >= SIMD_MIN_LENGTH) {
    // Every block the offsite stores needs one: 16 bytes at a time in WebAssembly, the last
    // up to 15 byte by byte. The parts combine: for X then Y, s1 = s1X + s1Y and
    // s2 = s2X + len(Y) * s1X + s2Y.
    const vectorsEnd = start + (length & ~15);
    const vectors = weakChecksumVectors(data, start, vectorsEnd);
    if (vectors !== undefined)
      return combineWeak(vectors, weakChecksumBytes(data, vectorsEnd, end), end - vectorsEnd);
  }
  return weakChecksumScalar(data, start, end);
}

/**
 * weakChecksum in JavaScript alone (where WebAssembly SIMD is missing, and for short data):
 * a word at a time, about a third faster than a byte at a time.
 */
export function weakChecksumScalar(data: Uint8Array, start = 0, end = data.length): number {
  const length = end - start;
  if (!LITTLE_ENDIAN || length < 64) return weakChecksumBytes(data, start, end);
  // The words must be aligned in memory (a frame's data rarely is), so up to three bytes at
  // each end go byte by byte.
  const head = (4 - ((data.byteOffset + start) & 3)) & 3;
  const middleEnd = start + head + ((length - head) & ~3);
  let value = weakChecksumBytes(data, start, start + head);
  value = combineWeak(value, weakChecksumWords(data, start + head, middleEnd), middleEnd - start - head);
  return combineWeak(value, weakChecksumBytes(data, middleEnd, end), end - middleEnd);
}

/** The definition, byte by byte. */
function weakChecksumBytes(data: Uint8Array, start: number, end: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    s1 = (s1 + data[i]!) | 0;
    s2 = (s2 + s1) | 0;
  }
  return ((s1 & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

/**
 * The same checksum read four bytes at a time: s2 = n * s1 - sum(i * b[i]), and the weighted
 * sum splits into 4 * sum(j * wordSum[j]) + sum(b1 + 2 b2 + 3 b3) over words j. Everything is
 * kept mod 2^32, which keeps the low 16 bits that count.
 */
function weakChecksumWords(data: Uint8Array, start: number, end: number): number {
  const words = new Uint32Array(data.buffer, data.byteOffset + start, (end - start) >>> 2);
  let sum = 0;
  let weighted = 0;
  let inner = 0;
  for (let j = 0; j < words.length; j++) {
    const w = words[j]!;
    const b1 = (w >>> 8) & 255;
    const b2 = (w >>> 16) & 255;
    const b3 = w >>> 24;
    const wordSum = (w & 255) + b1 + b2 + b3;
    sum = (sum + wordSum) | 0;
    weighted = (weighted + Math.imul(j, wordSum)) | 0;
    inner = (inner + b1 + 2 * b2 + 3 * b3) | 0;
  }
  const s2 = (Math.imul(end - start, sum) - (Math.imul(4, weighted) + inner)) | 0;
  return ((sum & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

/**
 * A weak checksum over a window that slides one byte at a time: drop the oldest byte, add the
 * next, in O(1). Arithmetic wraps in 32 bits; only the low 16 bits of each half matter.
 */
export class RollingChecksum {
  private s1 = 0;
  private s2 = 0;
  private length = 0;

  /** Starts a window over data[start, end). */
  reset(data: Uint8Array, start: number, end: number): void {
    // Only the low 16 bits of each half matter to the rolling that follows, and they are the
    // checksum's.
    const value = weakChecksum(data, start, end);
    this.s1 = value & 0xffff;
    this.s2 = value >>> 16;
    this.length = end - start;
  }

  /** Slides the window by one byte: `out` leaves at the front, `incoming` joins at the back. */
  roll(out: number, incoming: number): void {
    this.s1 = (this.s1 - out + incoming) | 0;
    this.s2 = (this.s2 - Math.imul(this.length, out) + this.s1) | 0;
  }

  /** Removes the front byte without adding one (the window shrinks at the end of a file). */
  drop(out: number): void {
    this.s1 = (this.s1 - out) | 0;
    this.s2 = (this.s2 - Math.imul(this.length, out)) | 0;
    this.length -= 1;
  }

  /**
   * Slides the window, which starts at `from` in `data`, one byte at a time until its checksum's
   * slot in `filter` (the checksum masked with `mask`) is set, or until it starts at `stop`;
   * returns where it starts then. data[stop - 1 + window length] must exist. One tight loop over
   * locals: rolling through new data byte by byte through method calls ran at 30-50 MB/s, this
   * at several hundred (the sender rolls through every byte a grown file appends).
   */
  slideUntil(data: Uint8Array, from: number, stop: number, filter: Uint8Array, mask: number): number {
    let s1 = this.s1;
    let s2 = this.s2;
    const length = this.length;
    let at = from;
    for (; at < stop; at++) {
      if (filter[((s1 & 0xffff) | ((s2 & 0xffff) << 16)) & mask] !== 0) break;
      const out = data[at]!;
      s1 = (s1 - out + data[at + length]!) | 0;
      s2 = (s2 - Math.imul(length, out) + s1) | 0;
    }
    this.s1 = s1;
    this.s2 = s2;
    return at;
  }

  /** The current window's checksum. */
  get value(): number {
    return ((this.s1 & 0xffff) | ((this.s2 & 0xffff) << 16)) >>> 0;
  }
}
