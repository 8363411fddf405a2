import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { sha256 } from './block-hasher';
import { encodeSignature } from './block-signature';
import { chooseBlockSize, strongLengthFor } from './block-size';
import type { FrameChannel } from './frame-channel';
import { FrameType } from './frame-codec';
import { type Manifest, writeManifest } from './manifest-store';
import { PartialFile } from './partial-file';
import { ReplicationError } from './replication-error';
import type { FileBasisHeader, FileBeginHeader } from './wire-messages';

const SIGNATURE_CHUNK = 1024 * 1024;
const COPY_READ = 1024 * 1024;

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

  private constructor(
    private readonly guidDir: string,
    readonly begin: FileBeginHeader,
    readonly target: string,
    readonly partial: PartialFile,
    private readonly basis: Manifest | undefined,
  ) {}

  /** Opens (or resumes) the partial and tells the sender how to proceed. */
  static async start(options: {
    guidDir: string;
    begin: FileBeginHeader;
    target: string;
    basis: Manifest | undefined;
    channel: FrameChannel;
    checkSpace: (needed: number) => Promise<void>;
  }): Promise<FileReceiver> {
    const { begin, basis } = options;
    const identity = { path: begin.path, size: begin.size, mtimeMs: begin.mtimeMs };
    const partial = await PartialFile.open(
      options.guidDir,
      identity,
      chooseBlockSize(begin.size, basis?.blockSize),
    );
    try {
      await options.checkSpace(begin.size - partial.length);
    } catch (error) {
      await partial.suspend();
      throw error;
    }
    const receiver = new FileReceiver(options.guidDir, begin, options.target, partial, basis);
    await receiver.sendBasis(options.channel);
    return receiver;
  }

  private async sendBasis(channel: FrameChannel): Promise<void> {
    // A partial that already holds every byte needs no basis: only the digest is left to check.
    const basis = this.partial.length < this.begin.size ? this.basis : undefined;
    const strongLength = this.begin.strong ?? (basis ? strongLengthFor(basis.size, basis.blockSize) : 0);
    const header: FileBasisHeader = {
      path: this.begin.path,
      resumeFrom: this.partial.length,
      blockSize: this.partial.hasher.blockSize,
      basis: basis
        ? {
            size: basis.size,
            blockSize: basis.blockSize,
            blocks: basis.weaks.length,
            strongLength: Math.max(2, Math.min(32, strongLength)),
            damaged: basis.damaged,
          }
        : null,
    };
    await channel.send(FrameType.fileBasis, header);
    if (!basis || !header.basis) return;
    const bytes = encodeSignature(basis.weaks, basis.strongs, header.basis.strongLength);
    for (let at = 0; at < bytes.length; at += SIGNATURE_CHUNK)
      await channel.send(FrameType.signatureChunk, undefined, bytes.subarray(at, at + SIGNATURE_CHUNK));
  }

  /** A literal frame: 32-byte SHA-256 of the data, then the data. */
  async literal(payload: Buffer): Promise<void> {
    if (this.failure) return;
    if (payload.length < 32) throw new ReplicationError('frame-malformed', 'literal frame without checksum');
    const data = payload.subarray(32);
    if (!sha256(data).equals(payload.subarray(0, 32))) {
      this.failure = new ReplicationError('block-corrupt', 'a literal block failed its SHA-256 check');
      return;
    }
    this.checkRoom(data.length);
    await this.partial.write(data, payload.subarray(0, 32));
    await this.partial.checkpoint();
    this.literalBytes += data.length;
  }

  /** A copy frame: pairs of u32 (first basis block, block count); each block is verified. */
  async copy(payload: Buffer): Promise<void> {
    if (this.failure) return;
    const basis = this.basis;
    if (payload.length % 8 !== 0 || !basis) throw new ReplicationError('frame-malformed', 'bad copy frame');
    for (let at = 0; at < payload.length; at += 8) {
      const first = payload.readUInt32BE(at);
      const count = payload.readUInt32BE(at + 4);
      if (count === 0 || first + count > basis.weaks.length)
        throw new ReplicationError('protocol-violation', 'copy of a block the basis does not have');
      await this.copyRun(basis, first, count);
      if (this.failure) return;
    }
  }

  private async copyRun(basis: Manifest, first: number, count: number): Promise<void> {
    this.basisHandle ??= await open(this.target, 'r');
    const perRead = Math.max(1, Math.floor(COPY_READ / basis.blockSize));
    for (let block = first; block < first + count; block += perRead) {
      const blocks = Math.min(perRead, first + count - block);
      const start = block * basis.blockSize;
      const length = Math.min(blocks * basis.blockSize, basis.size - start);
      this.checkRoom(length);
      const bytes = Buffer.allocUnsafe(length);
      const { bytesRead } = await this.basisHandle.read(bytes, 0, length, start);
      const verified: { length: number; weak: number; strong: Buffer }[] = [];
      for (let i = 0; i < blocks; i++) {
        const index = block + i;
        const piece = bytes.subarray(i * basis.blockSize, Math.min((i + 1) * basis.blockSize, bytesRead));
        const expected = basis.strongs[index]!;
        if (basis.damaged.includes(index) || piece.length === 0 || !sha256(piece).equals(expected)) {
          // Keep the verified blocks before the damaged one: the retry resumes after them.
          const good = verified.reduce((sum, v) => sum + v.length, 0);
          if (good > 0) await this.partial.writeVerified(bytes.subarray(0, good), verified);
          this.matchedBytes += good;
          await this.markDamaged(basis, index);
          return;
        }
        verified.push({ length: piece.length, weak: basis.weaks[index]!, strong: expected });
      }
      await this.partial.writeVerified(bytes.subarray(0, bytesRead), verified);
      await this.partial.checkpoint();
      this.matchedBytes += bytesRead;
    }
  }

  private async markDamaged(basis: Manifest, index: number): Promise<void> {
    if (!basis.damaged.includes(index)) basis.damaged.push(index);
    await writeManifest(this.guidDir, basis);
    this.failure = new ReplicationError('basis-corrupt', `stored block ${index} of ${basis.path} is damaged`);
  }

  private checkRoom(length: number): void {
    if (this.partial.length + length > this.begin.size)
      throw new ReplicationError('protocol-violation', 'more data than the announced file size');
  }

  /** Verifies the whole file; on success returns the manifest to store with it. */
  async finish(digest: string): Promise<Manifest> {
    await this.basisHandle?.close();
    this.basisHandle = undefined;
    if (this.failure) throw this.failure;
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
    await this.basisHandle?.close().catch(() => undefined);
    this.basisHandle = undefined;
    if (keep) await this.partial.suspend();
    else await this.partial.discard();
  }
}
