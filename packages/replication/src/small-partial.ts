import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  futimesSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writevSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { BlockHasher, sha256 } from './block-hasher';
import { dataBuffers } from './buffer-pool';
import { fsyncDirectoryShared, inDirectorySync } from './durable-file';
import { type FileStamp, stampOf } from './file-stamp';
import { partialFiles } from './offsite-layout';
import type { PartialIdentity } from './partial-file';
import { patchStep } from './patch-steps';
import { ReplicationError } from './replication-error';
import { weakChecksum } from './rolling-checksum';

const fsyncAsync = promisify(fsync);

/**
 * A small file sent inline (whole, in one literal frame, at most INLINE_MAX_SIZE), received
 * with the guarantees of a PartialFile: verified against the sender's digest, written to the
 * partial folder, fsynced, renamed over its final name, the folder fsynced.
 *
 * Its bytes stay in memory until file-end, and its file-system calls (open, write, set times,
 * close, rename, stat) are synchronous; only the fsyncs go to the thread pool. On a seeding
 * of 10,000 small files each of those calls cost the event loop more as a thread-pool round
 * trip (two thread switches and a promise, on a two-core machine the main thread preempted
 * by the worker it woke) than the system call itself, a metadata update in the page cache.
 * Such a file is never journaled or resumed (a kill loses it whole; it is sent again), so
 * holding it in memory loses nothing a PartialFile would keep.
 */
export class SmallPartial {
  readonly cloned = false;
  readonly hasher: BlockHasher;
  private readonly files: { data: string; journal: string };
  private chunks: Buffer[] = [];
  private fd: number | undefined;
  /** The partial data file exists (finish created it), until it is renamed or removed. */
  private onDisk = false;

  constructor(
    guidDir: string,
    readonly identity: PartialIdentity,
    blockSize: number,
  ) {
    this.files = partialFiles(guidDir, identity.path);
    this.hasher = new BlockHasher(blockSize, true);
  }

  /** Bytes received (and hashed) so far. */
  get length(): number {
    return this.hasher.length;
  }

  /**
   * Takes bytes of the file; `hash` is their SHA-256 when already checked (the literal frame's),
   * reused as the block hash when they are exactly one block. `bytes` must not change afterwards.
   */
  async write(bytes: Buffer, hash?: Buffer, weak?: number): Promise<void> {
    if (this.hasher.isWholeBlock(bytes.length, this.identity.size))
      this.hasher.addKnownBlock(bytes.length, weak ?? weakChecksum(bytes), hash ?? sha256(bytes));
    else this.hasher.update(bytes);
    this.chunks.push(bytes);
  }

  /** Nothing to fsync before file-end: the bytes are in memory. */
  async checkpoint(): Promise<void> {}

  /** Nothing to hand to the disk early: a small file is never resumed. */
  async flush(): Promise<void> {}

  /**
   * Checks the whole file against the sender's digest, then writes it to the partial folder
   * with its modification time and fsyncs it; throws digest-mismatch.
   */
  async finish(expectedDigest: string): Promise<{ ino: number }> {
    if (this.hasher.length !== this.identity.size)
      throw new ReplicationError(
        'protocol-violation',
        `file ended at ${this.hasher.length} of ${this.identity.size}`,
      );
    this.hasher.finish();
    if (this.hasher.digest() !== expectedDigest)
      throw new ReplicationError('digest-mismatch', 'the rebuilt file does not match the sender digest');
    const path = this.files.data;
    const fd = inDirectorySync(dirname(path), () => openSync(path, 'w', 0o600));
    this.fd = fd;
    this.onDisk = true;
    const expected = this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    if (expected > 0 && writevSync(fd, this.chunks, 0) !== expected)
      throw new ReplicationError('io-error', 'short write to a partial file');
    this.releaseChunks();
    const seconds = this.identity.mtimeMs / 1000;
    futimesSync(fd, seconds, seconds);
    await patchStep('before-fsync', this.identity.path);
    await fsyncAsync(fd);
    return { ino: fstatSync(fd).ino };
  }

  /**
   * Makes the verified file visible at `finalPath` by an atomic rename and fsyncs the folder;
   * returns the committed file's stamp (taken after the rename, which changes it).
   */
  async commit(finalPath: string): Promise<FileStamp | undefined> {
    this.closeFile();
    await patchStep('before-rename', this.identity.path);
    inDirectorySync(dirname(finalPath), () => renameSync(this.files.data, finalPath));
    this.onDisk = false;
    await patchStep('renamed', this.identity.path);
    const info = statSync(finalPath, { bigint: true, throwIfNoEntry: false });
    await fsyncDirectoryShared(dirname(finalPath));
    // A journal left by an interrupted transfer of a larger version describes a data file
    // that is gone now.
    if (existsSync(this.files.journal)) rmSync(this.files.journal, { force: true });
    return info ? stampOf(info) : undefined;
  }

  /** Nothing on disk can be resumed: the same as discard. */
  async suspend(): Promise<void> {
    await this.discard();
  }

  /** Drops what was received and any partial data written. */
  async discard(): Promise<void> {
    this.releaseChunks();
    this.closeFile();
    if (this.onDisk) rmSync(this.files.data, { force: true });
    this.onDisk = false;
  }

  private releaseChunks(): void {
    // Received frames, nowhere else referred to once written (or dropped).
    for (const chunk of this.chunks) dataBuffers.give(chunk);
    this.chunks = [];
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Closing can only fail for a bad descriptor here; nothing is left to release.
    }
  }
}
