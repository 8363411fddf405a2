import type { FileHandle } from 'node:fs/promises';
import { sha256 } from './block-hasher';
import type { BlockMemo } from './block-memo';
import type { BasisSignature } from './block-signature';
import { basisBlockLength, FILTER_MASK, SignatureIndex, strongMatches } from './block-signature';
import { dataBuffers } from './buffer-pool';
import { yieldIfBusy } from './event-loop-turn';
import { ReplicationError } from './replication-error';
import { RollingChecksum } from './rolling-checksum';
import type { Xxh64 } from './xxh64';

/** Largest literal run sent in one frame; also bounds what a broken connection can lose. */
export const LITERAL_CHUNK = 256 * 1024;

const READ_CHUNK = 1024 * 1024;

/** Reads land at a multiple of this in their buffer (a memory page). */
const READ_ALIGN = 4096;

/**
 * Where the encoder sends what it finds, in file order. Literal and copy pieces together cover
 * every byte from `start` exactly once, so they can feed the whole-file digest too.
 */
export interface DeltaSink {
  /** New bytes the offsite does not hold; never crossing a multiple of the literal chunk. */
  literal(data: Buffer): Promise<void>;
  /**
   * Basis block `index` (of `length` bytes) reappears here: `data` is those bytes of the new
   * file and `hash` their full SHA-256 (computed to confirm the match, or remembered, so nobody
   * hashes them again); `xxh` their xxHash64 when it was computed (a remembered block).
   */
  copy(index: number, length: number, data: Buffer, hash: Buffer, xxh?: bigint): Promise<void>;
}

/** Where the encoder's read buffers come from and go back to (a BufferPool, or HashableBuffers). */
export interface ReadBuffers {
  take(length: number): Buffer;
  give(buffer: Buffer): void;
}

/** What the encoder is given: an open file, where to start, and the offsite's basis (if any). */
export interface DeltaInput {
  handle: FileHandle;
  size: number;
  start: number;
  basis: BasisSignature | null;
  sink: DeltaSink;
  signal?: AbortSignal;
  /**
   * Literals are cut at every multiple of this (default LITERAL_CHUNK). One block of the new
   * file makes each literal frame one block: its SHA-256 serves the frame check and the digest
   * on both ends, and a broken connection loses at most one block in flight.
   */
  literalChunk?: number;
  /**
   * What the sender remembers of the basis's blocks (block-memo.ts): where the expected block
   * still gives the xxHash64 the memo has for it, the memo's SHA-256 stands for it, unhashed.
   */
  memo?: { blocks: BlockMemo; xxh64: Xxh64 };
  /** Counts the bytes confirmed from the memo. */
  onRemembered?: (bytes: number) => void;
  /**
   * Where the file is read into (default the process's data buffers). The sender passes
   * hashableBuffers when it xxHashes the file's blocks, so they are hashed where they were read.
   */
  readBuffers?: ReadBuffers;
}

/**
 * rsync's algorithm over a file from `start`: at each position first try the block expected
 * there (the one after the last match, so aligned and unchanged regions cost one SHA-256 per
 * block and no rolling), otherwise look the rolling weak checksum up and confirm with SHA-256;
 * bytes that match nothing go out as literals.
 */
export async function encodeDelta(input: DeltaInput): Promise<void> {
  const { handle, size, basis, sink, memo } = input;
  const chunk = input.literalChunk ?? LITERAL_CHUNK;
  const buffers = input.readBuffers ?? dataBuffers;
  let bufStart = input.start;
  let buf: Buffer = Buffer.alloc(0);
  let eofRead = input.start;
  // Each read leaves room in front of its data for the unconsumed tail of the buffer before it
  // (at most a literal chunk and a block), so joining the two copies only that tail. Whole
  // pages of it: a hashable buffer starts on a page, and the kernel fills a WebAssembly memory
  // at a page boundary three times faster than off one (2 GiB read: 0.26 s of system time
  // against 0.85; a plain buffer takes 0.36 either way).
  const room = Math.ceil((chunk + (basis?.blockSize ?? 0) + 1) / READ_ALIGN) * READ_ALIGN;
  // The next chunk is read while this one is hashed and sent: the thread pool's copy out of
  // the page cache no longer holds up the event loop.
  let ahead: Promise<Buffer> | undefined;
  const readAhead = (position: number): Promise<Buffer> => {
    const length = Math.min(READ_CHUNK, size - position);
    const bytes = buffers.take(room + length);
    const read = handle.read(bytes, room, length, position).then(({ bytesRead }) => {
      if (bytesRead !== length) throw new ReplicationError('source-changed', 'file shrank while it was read');
      return bytes;
    });
    // Awaited by the next ensure(); a read nobody comes back for must not go unhandled.
    read.catch(() => undefined);
    return read;
  };

  const ensure = async (until: number): Promise<void> => {
    const want = Math.min(until, size);
    while (eofRead < want) {
      input.signal?.throwIfAborted();
      const bytes = await (ahead ?? readAhead(eofRead));
      ahead = undefined;
      const length = bytes.length - room;
      // A fresh buffer each time (pieces handed to the sink may still be queued on the socket);
      // the sink copies what it keeps, so the old buffer is free once its tail is moved over.
      let next: Buffer;
      if (buf.length <= room) {
        buf.copy(bytes, room - buf.length);
        next = bytes.subarray(room - buf.length);
      } else {
        next = buffers.take(buf.length + length);
        buf.copy(next, 0);
        bytes.copy(next, buf.length, room);
        buffers.give(bytes);
      }
      buffers.give(buf);
      buf = next;
      eofRead += length;
      if (eofRead < size) ahead = readAhead(eofRead);
    }
  };
  const discardBefore = (position: number): void => {
    if (position > bufStart) {
      buf = buf.subarray(position - bufStart);
      bufStart = position;
    }
  };

  if (!basis || basis.blocks === 0) {
    for (let pos = input.start; pos < size; ) {
      const end = Math.min(size, pos - (pos % chunk) + chunk);
      await ensure(end);
      await sink.literal(buf.subarray(pos - bufStart, end - bufStart));
      await yieldIfBusy();
      pos = end;
      discardBefore(pos);
    }
    buffers.give(buf);
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
    // Rolling through new data is synchronous between reads: give the event loop its turns.
    await yieldIfBusy();
    while (pos > literalStart) {
      const end = Math.min(pos, literalStart - (literalStart % chunk) + chunk);
      await sink.literal(buf.subarray(literalStart - bufStart, end - bufStart));
      literalStart = end;
    }
    discardBefore(pos);
  };
  const matched = async (block: number, length: number, hash: Buffer, xxh?: bigint): Promise<void> => {
    await flushLiteral();
    const at = pos - bufStart;
    await sink.copy(block, length, buf.subarray(at, at + length), hash, xxh);
    await yieldIfBusy();
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
    let at = pos - bufStart;
    if (expected >= 0 && expected < basis.blocks && !damaged.has(expected)) {
      const length = basisBlockLength(basis, expected);
      if (length <= remaining) {
        const data = buf.subarray(at, at + length);
        const xxh = memo?.xxh64(data);
        const remembered = xxh === undefined ? undefined : memo?.blocks.strongIfSame(expected, data, xxh);
        const hash = remembered ?? sha256(data);
        if (strongMatches(basis, expected, hash)) {
          if (remembered) input.onRemembered?.(length);
          await matched(expected, length, hash, xxh);
          continue;
        }
      }
      expected = -1;
    }
    if (remaining < blockSize) {
      const tailMatches =
        remaining === lastLength &&
        !damaged.has(lastBlock) &&
        basis.weaks[lastBlock] === weakOf(buf, at, remaining);
      const hash = tailMatches ? sha256(buf.subarray(at, at + remaining)) : undefined;
      if (hash && strongMatches(basis, lastBlock, hash)) {
        await matched(lastBlock, remaining, hash);
        continue;
      }
      pos = size;
      break;
    }
    if (!rolling) {
      roll.reset(buf, at, at + blockSize);
      rolling = true;
    }
    // Through new data, slide at once to the next position whose weak checksum passes the
    // filter, stopping at the literal chunk's end (its literal goes out there), where the
    // buffer ends and where the last whole window of the file starts. The expected block was
    // tried at this position above; it is tried again only after the next match.
    const stop = Math.min(pos - (pos % chunk) + chunk, eofRead - blockSize, size - blockSize);
    if (stop > pos + 1) {
      pos += roll.slideUntil(buf, at, at + (stop - pos), index.filter, FILTER_MASK) - at;
      if (pos === stop) {
        if (pos % chunk === 0) await flushLiteral();
        continue;
      }
      at = pos - bufStart;
    }
    const candidates = index.candidates(roll.value);
    if (candidates) {
      const hash = sha256(buf.subarray(at, at + blockSize));
      const hit = candidates.find((block) => strongMatches(basis, block, hash));
      if (hit !== undefined) {
        await matched(hit, blockSize, hash);
        continue;
      }
    }
    if (remaining > blockSize) roll.roll(buf[at]!, buf[at + blockSize]!);
    else rolling = false;
    pos += 1;
    if (pos % chunk === 0) await flushLiteral();
  }
  await flushLiteral();
  buffers.give(buf);
}

function weakOf(buf: Buffer, at: number, length: number): number {
  const roll = new RollingChecksum();
  roll.reset(buf, at, at + length);
  return roll.value;
}
