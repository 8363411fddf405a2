import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { sha256 } from './block-hasher';
import { chooseBlockSize, idealBlockSize } from './block-size';
import { dataBuffers } from './buffer-pool';
import { yieldIfBusy } from './event-loop-turn';
import { sendBasis } from './file-basis';
import { fileStamp } from './file-stamp';
import type { FrameChannel } from './frame-channel';
import type { BlockHashes, HashPool } from './hash-pool';
import { type Manifest, writeManifest } from './manifest-store';
import { JOURNAL_THRESHOLD, PartialFile } from './partial-file';
import { ReplicationError } from './replication-error';
import { SmallPartial } from './small-partial';
import type { FileBeginHeader } from './wire-messages';

const COPY_READ = 1024 * 1024;

/**
 * Received literal bytes being hashed at once: while workers hash them, the next frames are
 * received and earlier blocks written. Bounds the memory they hold (the frames' buffers).
 */
const MAX_HASHING_BYTES = 1024 * 1024;

/** A literal block received and being hashed, in file order. */
interface HashingBlock {
  data: Buffer;
  /** The SHA-256 the sender sent with it. */
  claimed: Buffer;
  hashes: Promise<BlockHashes>;
}

/**
 * One file arriving at the offsite: it answers the sender's file-begin with where to resume
 * and the basis signature, rebuilds the file in the partial folder from verified basis blocks
 * and checksummed literals, and checks the whole-file digest before the caller commits it.
 * A failure is remembered and reported at file-end, so the rest of the session goes on.
 */
export class FileReceiver {
  failure: ReplicationError | undefined;
  literalBytes = 0;
  matchedBytes = 0;
  private basisHandle: FileHandle | undefined;
  /** Literal blocks whose hashes are still being computed, oldest first. */
  private hashing: HashingBlock[] = [];
  private hashingBytes = 0;
  /** The oldest hashing block being written, so blocks are applied one at a time, in order. */
  private applying: Promise<void> = Promise.resolve();

  private constructor(
    private readonly guidDir: string,
    readonly begin: FileBeginHeader,
    readonly target: string,
    /** Where the file is rebuilt: a PartialFile, or for an inline file a SmallPartial. */
    readonly partial: PartialFile | SmallPartial,
    private readonly basis: Manifest | undefined,
    private readonly hashPool: HashPool | undefined,
  ) {}

  /** Opens (or resumes) the partial and tells the sender how to proceed. */
  static async start(options: {
    guidDir: string;
    begin: FileBeginHeader;
    target: string;
    basis: Manifest | undefined;
    channel: FrameChannel;
    checkSpace: (needed: number) => Promise<void>;
    /** Hashes literal blocks off the event loop; without it they are hashed on it. */
    hashPool?: HashPool;
  }): Promise<FileReceiver> {
    const { begin, basis } = options;
    const identity = { path: begin.path, size: begin.size, mtimeMs: begin.mtimeMs };
    // An inline file comes whole, hashed at the block size it names (FEATURE_INLINE_BLOCK) or
    // else at the one both ends derive from its length alone.
    const inline = begin.inline === true;
    const blockSize = inline
      ? (begin.blockSize ?? idealBlockSize(begin.size))
      : chooseBlockSize(begin.size, basis?.blockSize);
    if (inline) {
      // Held in memory until file-end and written then (small-partial.ts).
      await options.checkSpace(begin.size);
      const small = new SmallPartial(options.guidDir, identity, blockSize);
      return new FileReceiver(options.guidDir, begin, options.target, small, undefined, options.hashPool);
    }
    // Clone-and-patch only from a stored file whose manifest is known to describe its bytes
    // (same stamp as when it was hashed) and whose blocks line up with the new file's. Otherwise
    // every copied block is read and checked against the manifest as it is written.
    const stamp = basis?.stamp !== undefined ? await fileStamp(options.target) : undefined;
    const clone =
      basis !== undefined &&
      stamp === basis.stamp &&
      basis.blockSize === blockSize &&
      begin.size > JOURNAL_THRESHOLD;
    // A clone of a large file takes a while: the sender is told to start first (from offset 0,
    // after the free-space check), so its reading and hashing overlap the copy. Its frames wait
    // in the channel meanwhile.
    let announced = false;
    const partial = await PartialFile.open(
      options.guidDir,
      identity,
      blockSize,
      clone
        ? {
            source: options.target,
            before: async () => {
              await options.checkSpace(begin.size);
              await sendBasis(options.channel, begin, basis, 0, blockSize);
              announced = true;
            },
          }
        : undefined,
    );
    if (!announced) {
      try {
        await options.checkSpace(begin.size - partial.length);
      } catch (error) {
        await partial.suspend();
        throw error;
      }
      // A partial that already holds every byte needs no basis: only the digest is left to check.
      const needed = partial.length < begin.size ? basis : undefined;
      await sendBasis(options.channel, begin, needed, partial.length, partial.hasher.blockSize);
    }
    return new FileReceiver(options.guidDir, begin, options.target, partial, basis, options.hashPool);
  }

  /**
   * A literal frame: 32-byte SHA-256 of the data, then the data. The data is hashed (by the
   * pool's workers when there is one) while the next frames arrive; it is written only once
   * its own SHA-256 matched, in order, and that SHA-256 is then also its block's hash in the
   * digest. Returns before the hash is known unless too many bytes are being hashed already.
   */
  async literal(payload: Buffer): Promise<void> {
    if (this.failure) return;
    if (payload.length < 32) throw new ReplicationError('frame-malformed', 'literal frame without checksum');
    const data = payload.subarray(32);
    if (!this.hashPool) return this.literalOnLoop(data, payload.subarray(0, 32));
    this.checkRoom(data.length);
    const hashes = this.hashPool.hash(data);
    // Never rejected unawaited: a failure is taken up in order, when its block's turn comes.
    hashes.catch(() => undefined);
    this.hashing.push({ data, claimed: payload.subarray(0, 32), hashes });
    this.hashingBytes += data.length;
    while (this.hashingBytes > MAX_HASHING_BYTES) await this.applyOldest();
  }

  /** A literal block hashed, checked and written on the event loop, at once (no hash pool). */
  private async literalOnLoop(data: Buffer, claimed: Buffer): Promise<void> {
    if (!sha256(data).equals(claimed)) {
      this.failure = new ReplicationError('block-corrupt', 'a literal block failed its SHA-256 check');
      return;
    }
    this.checkRoom(data.length);
    // The hash may be kept for the manifest: copied, so it does not hold the frame's data alive.
    await this.partial.write(data, Buffer.from(claimed));
    await this.partial.checkpoint();
    await yieldIfBusy();
    this.literalBytes += data.length;
  }

  /** Writes every received literal block whose hash is pending (or drops them after a failure). */
  async settleHashing(): Promise<void> {
    while (this.hashing.length > 0) await this.applyOldest();
    await this.applying;
  }

  /**
   * Takes the oldest hashing block: compares its hash with the one it came with, then writes
   * it. The first mismatch or error fails the file; the blocks after it are dropped.
   */
  private applyOldest(): Promise<void> {
    const block = this.hashing.shift();
    if (!block) return this.applying;
    // Its batch goes to the worker now if it was still filling up.
    this.hashPool?.flush();
    const run = this.applying.then(async () => {
      this.hashingBytes -= block.data.length;
      if (this.failure) return;
      let hashes: BlockHashes;
      try {
        hashes = await block.hashes;
      } catch (error) {
        this.failure = new ReplicationError('io-error', `hashing a block failed: ${String(error)}`);
        return;
      }
      if (!hashes.strong.equals(block.claimed)) {
        this.failure = new ReplicationError('block-corrupt', 'a literal block failed its SHA-256 check');
        return;
      }
      try {
        await this.partial.write(block.data, hashes.strong, hashes.weak);
        await this.partial.checkpoint();
      } catch (error) {
        this.failure = error instanceof ReplicationError ? error : asIoError(error);
        return;
      }
      await yieldIfBusy();
      this.literalBytes += block.data.length;
    });
    this.applying = run;
    return run;
  }

  /**
   * Called when the connection has gone quiet: whatever was received is hashed, checked and
   * handed to the disk, so a process killed while waiting has lost nothing it was sent.
   */
  async flush(): Promise<void> {
    await this.settleHashing();
    await this.partial.flush();
  }

  /** A copy frame: pairs of u32 (first basis block, block count); each block is verified. */
  async copy(payload: Buffer): Promise<void> {
    // The literals before it are written first: the partial grows in file order.
    await this.settleHashing();
    if (this.failure) return;
    const basis = this.basis;
    if (payload.length % 8 !== 0 || !basis) throw new ReplicationError('frame-malformed', 'bad copy frame');
    // Only a file with a basis gets copy frames, and only such a file has a PartialFile.
    const partial = this.partial;
    if (!(partial instanceof PartialFile))
      throw new ReplicationError('protocol-violation', 'copy frame for an inline file');
    for (let at = 0; at < payload.length; at += 8) {
      const first = payload.readUInt32BE(at);
      const count = payload.readUInt32BE(at + 4);
      if (count === 0 || first + count > basis.weaks.length)
        throw new ReplicationError('protocol-violation', 'copy of a block the basis does not have');
      await this.copyRun(partial, basis, first, count);
      if (this.failure) return;
    }
  }

  private async copyRun(partial: PartialFile, basis: Manifest, first: number, count: number): Promise<void> {
    this.basisHandle ??= await open(this.target, 'r');
    if (partial.cloned) return this.copyRunCloned(partial, basis, this.basisHandle, first, count);
    const perRead = Math.max(1, Math.floor(COPY_READ / basis.blockSize));
    for (let block = first; block < first + count; block += perRead) {
      const blocks = Math.min(perRead, first + count - block);
      const start = block * basis.blockSize;
      const length = Math.min(blocks * basis.blockSize, basis.size - start);
      this.checkRoom(length);
      const bytes = dataBuffers.take(length);
      const { bytesRead } = await this.basisHandle.read(bytes, 0, length, start);
      const verified: { length: number; weak: number; strong: Buffer }[] = [];
      for (let i = 0; i < blocks; i++) {
        const index = block + i;
        const piece = bytes.subarray(i * basis.blockSize, Math.min((i + 1) * basis.blockSize, bytesRead));
        const expected = basis.strongs.get(index);
        if (basis.damaged.includes(index) || piece.length === 0 || !sha256(piece).equals(expected)) {
          // Keep the verified blocks before the damaged one: the retry resumes after them.
          const good = verified.reduce((sum, v) => sum + v.length, 0);
          if (good > 0) await partial.writeVerified(bytes.subarray(0, good), verified);
          this.matchedBytes += good;
          await this.markDamaged(basis, index);
          return;
        }
        verified.push({ length: piece.length, weak: basis.weaks[index]!, strong: expected });
      }
      await partial.writeVerified(bytes.subarray(0, bytesRead), verified);
      await partial.checkpoint();
      await yieldIfBusy();
      this.matchedBytes += bytesRead;
    }
  }

  /**
   * A copy into a cloned partial. A block copied to the offset it already had in the stored
   * file is in the clone: nothing to write. A block that moved is read from the stored file
   * and written at its new offset. Neither is hashed: the manifest's hashes are used, which is
   * sound only while the stored file keeps the stamp they were taken with; finish() checks
   * that stamp again and reads the whole partial back if it changed.
   */
  private async copyRunCloned(
    partial: PartialFile,
    basis: Manifest,
    handle: FileHandle,
    first: number,
    count: number,
  ): Promise<void> {
    const blockSize = basis.blockSize;
    const perRead = Math.max(1, Math.floor(COPY_READ / blockSize));
    const known = (index: number) => ({
      length: Math.min(blockSize, basis.size - index * blockSize),
      weak: basis.weaks[index]!,
      strong: basis.strongs.get(index),
    });
    for (let block = first; block < first + count; ) {
      if (basis.damaged.includes(block)) return this.markDamaged(basis, block);
      if (block * blockSize === partial.length) {
        const piece = known(block);
        this.checkRoom(piece.length);
        await partial.keepInPlace([piece]);
        await partial.checkpoint();
        await yieldIfBusy();
        this.matchedBytes += piece.length;
        block += 1;
        continue;
      }
      // Blocks after a moved one are moved by the same distance: read a run of them at once.
      const blocks: ReturnType<typeof known>[] = [];
      for (let i = block; i < first + count && blocks.length < perRead && !basis.damaged.includes(i); i++)
        blocks.push(known(i));
      const length = blocks.reduce((sum, b) => sum + b.length, 0);
      this.checkRoom(length);
      const bytes = dataBuffers.take(length);
      const { bytesRead } = await handle.read(bytes, 0, length, block * blockSize);
      if (bytesRead !== length)
        throw new ReplicationError('basis-corrupt', `stored file ${basis.path} is shorter than its manifest`);
      await partial.writeVerified(bytes, blocks);
      await partial.checkpoint();
      await yieldIfBusy();
      this.matchedBytes += length;
      block += blocks.length;
    }
  }

  private async markDamaged(basis: Manifest, index: number): Promise<void> {
    if (!basis.damaged.includes(index)) basis.damaged.push(index);
    await writeManifest(this.guidDir, basis);
    this.failure = new ReplicationError('basis-corrupt', `stored block ${index} of ${basis.path} is damaged`);
  }

  private checkRoom(length: number): void {
    if (this.partial.length + this.hashingBytes + length > this.begin.size)
      throw new ReplicationError('protocol-violation', 'more data than the announced file size');
  }

  /** Verifies the whole file; on success returns the manifest to store with it. */
  async finish(digest: string): Promise<Manifest> {
    await this.settleHashing();
    await this.basisHandle?.close();
    this.basisHandle = undefined;
    if (this.failure) throw this.failure;
    // Every read of the stored file is over: if its stamp is not the one its manifest was
    // taken with, the reused hashes prove nothing, so the partial is read back whole.
    if (this.partial.cloned) {
      const stamp = this.basis?.stamp;
      if (stamp === undefined || (await fileStamp(this.target)) !== stamp) this.partial.verifyOnDisk = true;
    }
    const { ino } = await this.partial.finish(digest);
    const hasher = this.partial.hasher;
    return {
      path: this.begin.path,
      size: this.begin.size,
      blockSize: hasher.blockSize,
      ino,
      digest,
      damaged: [],
      weaks: hasher.weaks,
      strongs: hasher.strongs,
    };
  }

  /** Stops without finishing: keeps the partial when it may still be resumed. */
  async abandon(keep: boolean): Promise<void> {
    // Blocks received whole before the connection broke are kept too: the sender resumes
    // after them (it re-sends at most the one block it was in the middle of).
    await this.settleHashing().catch(() => undefined);
    await this.basisHandle?.close().catch(() => undefined);
    this.basisHandle = undefined;
    if (keep) await this.partial.suspend();
    else await this.partial.discard();
  }
}

function asIoError(error: unknown): ReplicationError {
  return new ReplicationError('io-error', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
