import { createCipheriv, createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

const CHUNK = 8 * 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/**
 * Deterministic, incompressible bytes: the AES-256-CTR keystream under a key derived from a
 * seed string. The same seed always gives the same bytes, so every run replicates the same
 * data, and no tool can win by compressing it. Hundreds of MB/s, far faster than a JS PRNG.
 */
export class Keystream {
  private readonly cipher: ReturnType<typeof createCipheriv>;

  constructor(seed: string) {
    const digest = createHash('sha512').update(`muster-bench-replication:${seed}`).digest();
    this.cipher = createCipheriv('aes-256-ctr', digest.subarray(0, 32), digest.subarray(32, 48));
  }

  /** The next `length` bytes of the stream. */
  next(length: number): Buffer {
    if (length <= CHUNK) return this.cipher.update(ZEROS.subarray(0, length));
    const parts: Buffer[] = [];
    for (let left = length; left > 0; left -= CHUNK) parts.push(this.next(Math.min(CHUNK, left)));
    return Buffer.concat(parts);
  }

  /** A uniform integer in [0, bound), bound at most 2^48 (modulo bias is negligible there). */
  integer(bound: number): number {
    return this.next(6).readUIntBE(0, 6) % bound;
  }
}

/** Writes `length` keystream bytes at `position` of an open file, in large chunks. */
export async function writeKeystream(
  handle: FileHandle,
  position: number,
  length: number,
  stream: Keystream,
): Promise<void> {
  for (let done = 0; done < length; ) {
    const chunk = stream.next(Math.min(CHUNK, length - done));
    await handle.write(chunk, 0, chunk.length, position + done);
    done += chunk.length;
  }
}
