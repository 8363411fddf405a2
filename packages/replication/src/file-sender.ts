import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BlockHasher, sha256 } from './block-hasher';
import { type BasisSignature, decodeSignature } from './block-signature';
import { encodeDelta } from './delta-encoder';
import { FrameType } from './frame-codec';
import type { PassLink } from './pass-link';
import { ReplicationError } from './replication-error';
import {
  type FileBasisHeader,
  type FileBeginHeader,
  parseFileBasis,
  parseResult,
  type ResultHeader,
} from './wire-messages';

/** Largest signature accepted from the offsite (a 4 TiB file at 128 KiB blocks is ~0.7 GiB; cap lower). */
const MAX_SIGNATURE_BYTES = 512 * 1024 * 1024;
const COPY_RUNS_PER_FRAME = 4096;
const READ_CHUNK = 1024 * 1024;

/** Byte counters of one pass, updated as files go out. */
export interface SendCounters {
  literalBytes: number;
  matchedBytes: number;
  resumedBytes: number;
  /** Bytes of the current file handled so far (for progress). */
  currentFileBytes: number;
}

/** What happened to a file at file-begin time: sent (result pending), refused by the offsite, or gone. */
export type SendOutcome = { kind: 'sent' } | { kind: 'refused'; result: ResultHeader } | { kind: 'vanished' };

/**
 * Sends one file: file-begin, then (from where the offsite's partial stops) the delta against
 * the offsite's basis signature as literal and copy frames, then file-end with the digest of
 * the whole file. The result comes back later, through the PassLink.
 */
export async function sendFile(
  link: PassLink,
  localDir: string,
  path: string,
  attempts: number,
  counters: SendCounters,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  let handle: FileHandle;
  try {
    handle = await open(join(localDir, ...path.split('/')), 'r');
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

    const hasher = new BlockHasher(answer.blockSize, false);
    await hashPrefix(handle, answer.resumeFrom, hasher);
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
    await encodeDelta({
      handle,
      size: before.size,
      start: answer.resumeFrom,
      basis,
      signal,
      sink: {
        read: (chunk) => hasher.update(chunk),
        literal: async (data) => {
          await flushRuns();
          await link.channel.send(FrameType.literal, undefined, Buffer.concat([sha256(data), data]));
          counters.literalBytes += data.length;
          counters.currentFileBytes += data.length;
        },
        copy: async (index, length) => {
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
  for (let position = 0; position < length; ) {
    const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, length - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead !== chunk.length)
      throw new ReplicationError('source-changed', 'file shrank while it was read');
    hasher.update(chunk);
    position += bytesRead;
  }
}
