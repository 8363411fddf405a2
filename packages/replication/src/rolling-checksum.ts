/**
 * rsync's weak checksum: s1 = sum of bytes, s2 = sum of the running s1, both mod 2^16, packed
 * as s1 | s2 << 16. Cheap enough to recompute at every byte offset when rolling.
 */
export function weakChecksum(data: Uint8Array, start = 0, end = data.length): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    s1 = (s1 + data[i]!) | 0;
    s2 = (s2 + s1) | 0;
  }
  return ((s1 & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
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
    let s1 = 0;
    let s2 = 0;
    for (let i = start; i < end; i++) {
      s1 = (s1 + data[i]!) | 0;
      s2 = (s2 + s1) | 0;
    }
    this.s1 = s1;
    this.s2 = s2;
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

  /** The current window's checksum. */
  get value(): number {
    return ((this.s1 & 0xffff) | ((this.s2 & 0xffff) << 16)) >>> 0;
  }
}
