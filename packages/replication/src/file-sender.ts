import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BlockHasher, sha256 } from './block-hasher';
import {
  type BlockMemo,
  BlockMemoRecorder,
  loadBlockMemo,
  MEMO_MIN_FILE_SIZE,
  saveBlockMemo,
} from './block-memo';
import { type BasisSignature, decodeSignature } from './block-signature';
import { idealBlockSize, inlineBlockSize } from './block-size';
import { dataBuffers } from './buffer-pool';
import { encodeDelta } from './delta-encoder';
import { yieldIfBusy } from './event-loop-turn';
import { FrameType } from './frame-codec';
import type { PassLink } from './pass-link';
import { ReplicationError } from './replication-error';
import {
  type FileBasisHeader,
  type FileBeginHeader,
  INLINE_MAX_SIZE,
  parseFileBasis,
  parseResult,
  type ResultHeader,
} from './wire-messages';
import { hashableBuffers, xxh64 as xxHash64 } from './xxh64';

/** Largest signature accepted from the offsite (a 4 TiB file at 128 KiB blocks is ~0.7 GiB; cap lower). */
const MAX_SIGNATURE_BYTES = 512 * 1024 * 1024;
const COPY_RUNS_PER_FRAME = 4096;
const READ_CHUNK = 1024 * 1024;
/** Blocks from this size on travel one per literal frame (files from about 16 MiB). */
const MIN_BLOCK_FRAME = 4 * 1024;
/** Smaller blocks are grouped into literal frames of at most this. */
const SMALL_BLOCK_FRAME = 32 * 1024;

/** Byte counters of one pass, updated as files go out. */
export interface SendCounters {
  literalBytes: number;
  matchedBytes: number;
  resumedBytes: number;
  /** Bytes of the current file handled so far (for progress). */
  currentFileBytes: number;
  /** Matched bytes confirmed from the sender's block memo, not SHA-256'd again (block-memo.ts). */
  rememberedBytes: number;
}

/** One file to send, and where its pass keeps what it needs. */
export interface SendRequest {
  localDir: string;
  /** The file's path under localDir, with forward slashes. */
  path: string;
  /** Earlier attempts at this file in this pass (a retry after a failed check). */
  attempts: number;
  counters: SendCounters;
  signal?: AbortSignal;
  /** Send a small file without waiting for the offsite's answer (the offsite takes inline files). */
  inline?: boolean;
  /** The offsite takes an inline file's block size (FEATURE_INLINE_BLOCK): one block for most. */
  inlineBlocks?: boolean;
  /** Where block memos are kept; without it, none is read or written. */
  memoDir?: string;
}

/** What happened to a file at file-begin time: sent (result pending), refused by the offsite, or gone. */
export type SendOutcome = { kind: 'sent' } | { kind: 'refused'; result: ResultHeader } | { kind: 'vanished' };

/**
 * Sends one file: file-begin, then (from where the offsite's partial stops) the delta against
 * the offsite's basis signature as literal and copy frames, then file-end with the digest of
 * the whole file. The result comes back later, through the PassLink.
 */
export async function sendFile(link: PassLink, request: SendRequest): Promise<SendOutcome> {
  const { localDir, path, attempts, counters, signal, memoDir } = request;
  const file = join(localDir, ...path.split('/'));
  if (request.inline) {
    const small = readSmallFile(file);
    if (small === 'vanished') return { kind: 'vanished' };
    if (small !== 'too-large')
      return await sendInline(link, path, small, attempts, counters, request.inlineBlocks === true);
  }
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { kind: 'vanished' };
  }
  try {
    const before = await handle.stat();
    const begin: FileBeginHeader = { path, size: before.size, mtimeMs: Math.floor(before.mtimeMs) };
    if (attempts > 0) begin.strong = 32;
    await link.channel.send(FrameType.fileBegin, begin);
    const frame = await link.next();
    if (frame.type === FrameType.fileResult) return { kind: 'refused', result: parseResult(frame.header) };
    if (frame.type !== FrameType.fileBasis)
      throw new ReplicationError('protocol-violation', 'expected file-basis');
    const answer = parseFileBasis(frame.header);
    if (answer.path !== path || answer.resumeFrom > before.size)
      throw new ReplicationError('protocol-violation', 'file-basis does not fit the file');
    const basis = answer.basis ? await receiveSignature(link, answer) : null;
    // A retry (after a failed check) hashes every block: it trusts no memo.
    const memo =
      memoDir && basis && attempts === 0 ? await loadBlockMemo(memoDir, path, basis.blockSize) : undefined;
    // Memos are kept of files whose literal frames are whole blocks (blocks of 4 KiB or more:
    // new files from 8 MiB).
    const recorder =
      memoDir && before.size >= MEMO_MIN_FILE_SIZE && literalChunkFor(answer.blockSize) === answer.blockSize
        ? new BlockMemoRecorder(answer.blockSize)
        : undefined;
    const xxh64 = memo || recorder ? xxHash64 : undefined;

    const hasher = new BlockHasher(answer.blockSize, false);
    await hashPrefix(handle, answer.resumeFrom, hasher);
    // The resumed prefix is hashed without xxHashes: this version gets no memo.
    if (answer.resumeFrom > 0) recorder?.spoil();
    counters.resumedBytes += answer.resumeFrom;
    counters.currentFileBytes = answer.resumeFrom;
    const runs: number[] = [];
    const flushRuns = async (): Promise<void> => {
      if (runs.length === 0) return;
      const payload = Buffer.allocUnsafe(runs.length * 4);
      for (let i = 0; i < runs.length; i++) payload.writeUInt32BE(runs[i]!, i * 4);
      runs.length = 0;
      await link.channel.send(FrameType.copy, undefined, payload);
    };
    // Each piece feeds the digest once: a whole block of the new file with the SHA-256 already
    // computed for it (the literal frame's check, or the hash that confirmed a match).
    const digestPiece = (data: Buffer, hash: Buffer, xxh?: bigint): void => {
      const whole =
        data.length === hasher.blockSize ||
        (data.length < hasher.blockSize && hasher.length + data.length === before.size);
      if (hasher.atBoundary && whole) {
        hasher.addKnownBlock(data.length, 0, hash);
        if (recorder && xxh64) recorder.add(xxh ?? xxh64(data));
      } else {
        hasher.update(data);
        recorder?.spoil();
      }
    };
    await encodeDelta({
      handle,
      size: before.size,
      start: answer.resumeFrom,
      basis,
      signal,
      literalChunk: literalChunkFor(answer.blockSize),
      memo: memo && xxh64 ? { blocks: memo, xxh64 } : undefined,
      // Blocks that are xxHashed are hashed where they were read (no copy into the module).
      readBuffers: xxh64 ? hashableBuffers : undefined,
      onRemembered: (bytes) => {
        counters.rememberedBytes += bytes;
      },
      sink: {
        literal: async (data) => {
          await flushRuns();
          const hash = sha256(data);
          digestPiece(data, hash);
          // Copied into a frame of its own (the encoder reuses its read buffer), given back
          // to the pool once the socket has written it.
          const frame = dataBuffers.take(hash.length + data.length);
          hash.copy(frame, 0);
          data.copy(frame, hash.length);
          await link.channel.sendReleasing(FrameType.literal, frame, () => dataBuffers.give(frame));
          counters.literalBytes += data.length;
          counters.currentFileBytes += data.length;
        },
        copy: async (index, length, data, hash, xxh) => {
          digestPiece(data, hash, xxh);
          counters.matchedBytes += length;
          counters.currentFileBytes += length;
          const last = runs.length - 2;
          if (last >= 0 && runs[last]! + runs[last + 1]! === index) runs[last + 1]! += 1;
          else runs.push(index, 1);
          if (runs.length >= COPY_RUNS_PER_FRAME * 2) await flushRuns();
        },
      },
    });
    await flushRuns();
    hasher.finish();
    const after = await handle.stat();
    const changed = after.size !== before.size || after.mtimeMs !== before.mtimeMs;
    await link.channel.send(
      FrameType.fileEnd,
      changed ? { digest: hasher.digest(), abort: true } : { digest: hasher.digest() },
    );
    const kept = changed ? undefined : recorder?.finish(before.size, hasher.strongs);
    if (memoDir && kept) await keepMemo(memoDir, path, kept);
    link.outstandingFiles.push({
      path,
      size: before.size,
      mtimeMs: before.mtimeMs,
      ino: before.ino,
      attempts,
    });
    return { kind: 'sent' };
  } finally {
    await handle.close();
  }
}

/**
 * Stores the memo of the version just sent. Only a cache: a failure to write it costs the next
 * pass some hashing, never the file.
 */
async function keepMemo(memoDir: string, path: string, memo: BlockMemo): Promise<void> {
  await saveBlockMemo(memoDir, path, memo).catch(() => undefined);
}

/**
 * The literal frame size for a file of this block size: one block where blocks are large
 * enough that frames stay cheap (4 KiB, files from about 16 MiB), so that both ends hash each
 * byte once and a broken connection loses at most one block; otherwise whole blocks up to
 * 32 KiB.
 */
export function literalChunkFor(blockSize: number): number {
  if (blockSize >= MIN_BLOCK_FRAME) return blockSize;
  return Math.max(blockSize, SMALL_BLOCK_FRAME - (SMALL_BLOCK_FRAME % blockSize));
}

/** A small file read whole: its stat before the read, its bytes, and whether it changed meanwhile. */
interface SmallFile {
  before: { size: number; mtimeMs: number; ino: number };
  content: Buffer;
  changed: boolean;
}

/**
 * Reads a file of at most INLINE_MAX_SIZE whole, with synchronous calls: open, stat, read,
 * stat and close through the thread pool cost a round trip and a pool thread's wake-up each,
 * more than the calls themselves (10,000 small files: the sender's 3.5-4.0 CPU-s became
 * 2.1-2.2). At most 256 KiB from the page cache takes tens of microseconds; the sender yields
 * to the event loop between files. 'too-large' when the file has grown past the limit.
 */
function readSmallFile(file: string): SmallFile | 'vanished' | 'too-large' {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 'vanished';
  }
  try {
    const before = fstatSync(fd);
    if (before.size > INLINE_MAX_SIZE) return 'too-large';
    const data = Buffer.allocUnsafe(before.size);
    const bytesRead = before.size > 0 ? readSync(fd, data, 0, before.size, 0) : 0;
    const after = fstatSync(fd);
    const changed =
      bytesRead !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs;
    return { before, content: data.subarray(0, bytesRead), changed };
  } finally {
    closeSync(fd);
  }
}

/**
 * Sends a small file the offsite does not have yet without waiting for its answer: file-begin
 * (inline), one literal frame, file-end. Saves a round trip per file, which is most of what a
 * small file costs. The result comes back later, in order, like any other.
 */
async function sendInline(
  link: PassLink,
  path: string,
  small: SmallFile,
  attempts: number,
  counters: SendCounters,
  inlineBlocks: boolean,
): Promise<SendOutcome> {
  const { before, content, changed } = small;
  const blockSize = inlineBlocks ? inlineBlockSize(before.size) : idealBlockSize(before.size);
  const hasher = new BlockHasher(blockSize, false);
  const frameHash = content.length > 0 ? sha256(content) : undefined;
  // A file that is one block has the literal frame's SHA-256 as its block hash.
  if (frameHash && content.length <= blockSize) hasher.addKnownBlock(content.length, 0, frameHash);
  else hasher.update(content);
  hasher.finish();
  const begin: FileBeginHeader = {
    path,
    size: before.size,
    mtimeMs: Math.floor(before.mtimeMs),
    inline: true,
    ...(inlineBlocks ? { blockSize } : {}),
  };
  await link.channel.send(FrameType.fileBegin, begin);
  if (frameHash) await link.channel.send(FrameType.literal, undefined, frameHash, content);
  // A file that changed while it was read is ended with abort: the offsite drops what it got.
  await link.channel.send(
    FrameType.fileEnd,
    changed ? { digest: hasher.digest(), abort: true } : { digest: hasher.digest() },
  );
  counters.literalBytes += content.length;
  counters.currentFileBytes += content.length;
  link.outstandingFiles.push({ path, size: before.size, mtimeMs: before.mtimeMs, ino: before.ino, attempts });
  // The read was synchronous, and sends with room in the socket never leave this turn.
  await yieldIfBusy();
  return { kind: 'sent' };
}

async function receiveSignature(link: PassLink, answer: FileBasisHeader): Promise<BasisSignature> {
  const description = answer.basis!;
  const expected = description.blocks * (4 + description.strongLength);
  if (expected > MAX_SIGNATURE_BYTES) throw new ReplicationError('protocol-violation', 'signature too large');
  const chunks: Buffer[] = [];
  let received = 0;
  while (received < expected) {
    const frame = await link.next();
    if (frame.type !== FrameType.signatureChunk)
      throw new ReplicationError('protocol-violation', 'expected a signature chunk');
    chunks.push(frame.payload);
    received += frame.payload.length;
  }
  return decodeSignature(description, Buffer.concat(chunks));
}

/** Hashes the part the offsite already holds, locally: the digest covers the whole file. */
async function hashPrefix(handle: FileHandle, length: number, hasher: BlockHasher): Promise<void> {
  // One buffer for the whole prefix (the hasher copies what it keeps): a fresh one per read
  // left hundreds of megabytes of garbage buffers, 30 MiB of peak RSS on a resumed 256 MiB file.
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, length));
  for (let position = 0; position < length; ) {
    const chunk = buffer.subarray(0, Math.min(READ_CHUNK, length - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead !== chunk.length)
      throw new ReplicationError('source-changed', 'file shrank while it was read');
    hasher.update(chunk);
    position += bytesRead;
  }
}
