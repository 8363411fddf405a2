import type { FileHandle } from 'node:fs/promises';
import { sha256 } from './block-hasher';
import type { BasisSignature } from './block-signature';
import { basisBlockLength, SignatureIndex, strongMatches } from './block-signature';
import { ReplicationError } from './replication-error';
import { RollingChecksum } from './rolling-checksum';

/** Largest literal run sent in one frame; also bounds what a broken connection can lose. */
export const LITERAL_CHUNK = 256 * 1024;

const READ_CHUNK = 1024 * 1024;

/** Where the encoder sends what it finds, in file order. */
export interface DeltaSink {
  /** New bytes the offsite does not hold. */
  literal(data: Buffer): Promise<void>;
  /** Basis block `index` (of `length` bytes) reappears here. */
  copy(index: number, length: number): Promise<void>;
  /** Every byte read from the file, in order from `start`: feeds the whole-file digest. */
  read?(data: Buffer): void;
}

/** What the encoder is given: an open file, where to start, and the offsite's basis (if any). */
export interface DeltaInput {
  handle: FileHandle;
  size: number;
  start: number;
  basis: BasisSignature | null;
  sink: DeltaSink;
  signal?: AbortSignal;
}

/**
 * rsync's algorithm over a file from `start`: at each position first try the block expected
 * there (the one after the last match, so aligned and unchanged regions cost one SHA-256 per
 * block and no rolling), otherwise look the rolling weak checksum up and confirm with SHA-256;
 * bytes that match nothing go out as literals.
 */
export async function encodeDelta(input: DeltaInput): Promise<void> {
  const { handle, size, basis, sink } = input;
  let bufStart = input.start;
  let buf = Buffer.alloc(0);
  let eofRead = input.start;

  const ensure = async (until: number): Promise<void> => {
    const want = Math.min(until, size);
    while (eofRead < want) {
      input.signal?.throwIfAborted();
      const length = Math.min(READ_CHUNK, size - eofRead);
      const chunk = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(chunk, 0, length, eofRead);
      if (bytesRead !== length) throw new ReplicationError('source-changed', 'file shrank while it was read');
      sink.read?.(chunk);
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      eofRead += length;
    }
  };
  const discardBefore = (position: number): void => {
    if (position - bufStart >= READ_CHUNK) {
      buf = buf.subarray(position - bufStart);
      bufStart = position;
    }
  };

  if (!basis || basis.blocks === 0) {
    for (let pos = input.start; pos < size; pos += LITERAL_CHUNK) {
      await ensure(pos + LITERAL_CHUNK);
      await sink.literal(buf.subarray(pos - bufStart, Math.min(size, pos + LITERAL_CHUNK) - bufStart));
      discardBefore(pos + LITERAL_CHUNK);
    }
    return;
  }

  const index = new SignatureIndex(basis);
  const damaged = new Set(basis.damaged);
  const blockSize = basis.blockSize;
  const roll = new RollingChecksum();
  let rolling = false;
  let pos = input.start;
  let literalStart = pos;
  let expected = pos % blockSize === 0 ? pos / blockSize : -1;

  const flushLiteral = async (): Promise<void> => {
    if (pos > literalStart) await sink.literal(buf.subarray(literalStart - bufStart, pos - bufStart));
    literalStart = pos;
    discardBefore(pos);
  };
  const matched = async (block: number, length: number): Promise<void> => {
    await flushLiteral();
    await sink.copy(block, length);
    pos += length;
    literalStart = pos;
    expected = block + 1;
    rolling = false;
    discardBefore(pos);
  };
  const lastBlock = basis.blocks - 1;
  const lastLength = basisBlockLength(basis, lastBlock);

  while (pos < size) {
    // Awaiting only when the window runs past the buffer keeps the per-byte path synchronous.
    if (pos + blockSize + 1 > eofRead && eofRead < size) await ensure(pos + blockSize + 1);
    const remaining = size - pos;
    const at = pos - bufStart;
    if (expected >= 0 && expected < basis.blocks && !damaged.has(expected)) {
      const length = basisBlockLength(basis, expected);
      if (length <= remaining && strongMatches(basis, expected, sha256(buf.subarray(at, at + length)))) {
        await matched(expected, length);
        continue;
      }
      expected = -1;
    }
    if (remaining < blockSize) {
      const tailMatches =
        remaining === lastLength &&
        !damaged.has(lastBlock) &&
        basis.weaks[lastBlock] === weakOf(buf, at, remaining);
      if (tailMatches && strongMatches(basis, lastBlock, sha256(buf.subarray(at, at + remaining)))) {
        await matched(lastBlock, remaining);
        continue;
      }
      pos = size;
      break;
    }
    if (!rolling) {
      roll.reset(buf, at, at + blockSize);
      rolling = true;
    }
    const candidates = index.candidates(roll.value);
    if (candidates) {
      const hash = sha256(buf.subarray(at, at + blockSize));
      const hit = candidates.find((block) => strongMatches(basis, block, hash));
      if (hit !== undefined) {
        await matched(hit, blockSize);
        continue;
      }
    }
    if (remaining > blockSize) roll.roll(buf[at]!, buf[at + blockSize]!);
    else rolling = false;
    pos += 1;
    if (pos - literalStart >= LITERAL_CHUNK) await flushLiteral();
  }
  await flushLiteral();
}

function weakOf(buf: Buffer, at: number, length: number): number {
  const roll = new RollingChecksum();
  roll.reset(buf, at, at + length);
  return roll.value;
}
