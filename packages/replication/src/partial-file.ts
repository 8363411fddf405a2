import { constants, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { copyFile, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BatchWriter } from './batch-writer';
import { BlockHasher, sha256 } from './block-hasher';
import { openDirect } from './direct-io';
import { flushWhile, fsyncDirectoryShared, inDirectory } from './durable-file';
import type { FileStamp } from './file-stamp';
import { partialFiles } from './offsite-layout';
import {
  type JournalHead,
  journalHeadLine,
  journalRecordLines,
  type PieceRecord,
  readBackJournal,
} from './partial-journal';
import { patchStep } from './patch-steps';
import { ReplicationError } from './replication-error';
import { weakChecksum } from './rolling-checksum';
import { verifyOnDisk } from './verify-on-disk';

/** Files up to this size arrive in one literal frame and are not journaled. */
export const JOURNAL_THRESHOLD = 256 * 1024;

/** Data written between two fsyncs of a partial file and its journal. */
const SYNC_EVERY = 16 * 1024 * 1024;

/** Journal records a clone holds in memory before they are synced (blocks kept in place cost no write). */
const CLONE_RECORDS_PER_SYNC = 4096;

/** Which version of which file a partial belongs to; a partial of another version is dropped. */
export interface PartialIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * A file being received, kept in the partial folder until it is whole and verified. Its journal
 * records the SHA-256 of every piece, in file order from offset 0; after any crash the pieces
 * whose data still match are kept, so a transfer resumes exactly where the verified data stops.
 *
 * A partial is either written from empty (each record is journaled before its data is
 * written), or starts as a clone of the stored file and only the pieces that changed are
 * written (clone-and-patch). A clone's records are written only after an fsync of the data
 * they describe, so its journal never vouches for bytes a power loss could take back.
 */
export class PartialFile {
  private sinceSync = 0;
  private pendingRecords: string[] = [];
  /** Writes the data in batches; holds the first error of writing the file (or of an fsync). */
  private readonly writer: BatchWriter;
  private syncing: Promise<void> | undefined;
  /**
   * Set when the bytes on disk must be read back before the file may become visible: the
   * file it was cloned from changed while it was in use, so the hashes reused for its blocks
   * may not describe what the clone holds.
   */
  verifyOnDisk = false;

  private constructor(
    readonly identity: PartialIdentity,
    readonly files: { data: string; journal: string },
    readonly hasher: BlockHasher,
    private readonly data: FileHandle,
    private journal: FileHandle | undefined,
    /** True when the data file started as a clone of the stored file (clone-and-patch). */
    readonly cloned: boolean,
    /** The data file opened for direct writes (around the page cache), where it can be. */
    direct: FileHandle | undefined,
  ) {
    this.writer = new BatchWriter(
      data,
      {
        // A partial written from empty journals a batch's records before its data: a few hundred
        // bytes appended to the page cache, written at once on the event loop. Through the thread
        // pool this was a second round trip per batch, and the worker it woke took the core the
        // event loop was on (1.4 s of a 4 GiB seeding's profile was spent in that call).
        beforeWrite: (lines) => {
          if (!this.cloned && this.journal && lines.length > 0) writeSync(this.journal.fd, lines.join(''));
        },
        // A clone's records wait for the next sync (written only after an fsync of their data).
        afterWrite: async (lines) => {
          if (!this.cloned) return;
          this.pendingRecords.push(...lines);
          await patchStep('patched', this.identity.path);
        },
      },
      direct,
    );
  }

  /**
   * Opens the partial of `identity`, resuming a matching one (its block size wins) or starting
   * a new one with `blockSize`: empty, or as a clone of the stored file `clone.source`, after
   * `clone.before` (which tells the sender to start) has run.
   */
  static async open(
    guidDir: string,
    identity: PartialIdentity,
    blockSize: number,
    clone?: { source: string; before: () => Promise<void> },
  ): Promise<PartialFile> {
    const files = partialFiles(guidDir, identity.path);
    const resumed = identity.size > JOURNAL_THRESHOLD ? await PartialFile.resume(files, identity) : undefined;
    if (resumed) return resumed;
    if (clone) {
      await clone.before();
      try {
        return await PartialFile.openClone(files, identity, blockSize, clone.source);
      } catch {
        // The sender already goes from offset 0: an empty partial serves as well (each copied
        // block is then read and checked as it is written).
      }
    }
    const data = await inDirectory(dirname(files.data), () => open(files.data, 'w+', 0o600));
    // A file that fits in one literal frame is never half-received, so it needs no journal.
    let journal: FileHandle | undefined;
    if (identity.size > JOURNAL_THRESHOLD) {
      journal = await open(files.journal, 'w', 0o600);
      await journal.write(journalHeadLine({ ...identity, blockSize }));
    }
    const direct = await openDirect(files.data);
    return new PartialFile(identity, files, new BlockHasher(blockSize, true), data, journal, false, direct);
  }

  /**
   * Starts the partial as a clone of the stored file `source` (a reflink where the file system
   * can; libuv falls back to copy_file_range, then sendfile, all in the kernel), cut or grown
   * to the new size. Only what changed is then written.
   */
  private static async openClone(
    files: { data: string; journal: string },
    identity: PartialIdentity,
    blockSize: number,
    source: string,
  ): Promise<PartialFile> {
    // A journal left by an earlier attempt must not describe this data file; the clone's own
    // journal appears at its first sync.
    await rm(files.journal, { force: true });
    // Opened before the clone fills it (the copy truncates and writes this same inode), so its
    // pages are flushed while the kernel is still copying: a 4 GiB copy on ext4 then took
    // 2.20-2.38 s with its fsync, against 2.50-2.87 s (fewer dirty pages, no write throttling).
    const data = await inDirectory(dirname(files.data), () => open(files.data, 'w+', 0o600));
    try {
      await flushWhile(data, copyFile(source, files.data, constants.COPYFILE_FICLONE));
      // The copy gives the file the stored file's mode.
      await data.chmod(0o600);
      await data.truncate(identity.size);
    } catch (error) {
      await data.close();
      throw error;
    }
    await patchStep('cloned', identity.path);
    const direct = await openDirect(files.data);
    return new PartialFile(identity, files, new BlockHasher(blockSize, true), data, undefined, true, direct);
  }

  private static async resume(
    files: { data: string; journal: string },
    identity: PartialIdentity,
  ): Promise<PartialFile | undefined> {
    const read = await readBackJournal(files, identity);
    if (!read) return undefined;
    const { head, data, hasher, kept } = read;
    // A clone keeps its full length: past the verified prefix it still holds the stored file.
    if (!head.clone) await data.truncate(hasher.length);
    const journal = await open(files.journal, 'w', 0o600);
    await journal.write(`${journalHeadLine(head)}${kept.join('')}`);
    const direct = await openDirect(files.data);
    if (!head.clone) return new PartialFile(identity, files, hasher, data, journal, false, direct);
    await journal.sync();
    const partial = new PartialFile(identity, files, hasher, data, journal, true, direct);
    // Past the verified prefix a resumed clone holds bytes nobody watched in between: they are
    // read back before the file may become visible.
    partial.verifyOnDisk = true;
    return partial;
  }

  /** Bytes of this file written around the page cache (direct I/O) so far. */
  get directBytes(): number {
    return this.writer.directBytes;
  }

  /** Bytes held (and verified), which is where the sender resumes. */
  get length(): number {
    return this.hasher.length;
  }

  /**
   * Appends bytes of the new file; `hash` is their SHA-256 and `weak` their weak checksum when
   * already computed (by a hash worker: then a whole block is not hashed again here).
   */
  async write(bytes: Buffer, hash?: Buffer, weak?: number): Promise<void> {
    const digest = hash ?? sha256(bytes);
    await this.append(bytes, [{ length: bytes.length, hash: digest }]);
    // A whole block whose SHA-256 came with it needs at most its weak checksum computed here.
    if (this.hasher.isWholeBlock(bytes.length, this.identity.size))
      this.hasher.addKnownBlock(bytes.length, weak ?? weakChecksum(bytes), digest);
    else this.hasher.update(bytes);
    this.afterWrite(bytes.length);
  }

  /**
   * Appends consecutive blocks copied from verified basis blocks with one write. Where a block
   * starts at a block boundary and has the same size, its known hashes are reused instead of
   * hashing it again.
   */
  async writeVerified(
    bytes: Buffer,
    blocks: readonly { length: number; weak: number; strong: Buffer }[],
  ): Promise<void> {
    await this.append(
      bytes,
      blocks.map((block) => ({ length: block.length, hash: block.strong })),
    );
    this.addBlocks(blocks, (offset, length) => bytes.subarray(offset, offset + length));
    this.afterWrite(bytes.length);
  }

  /**
   * Accepts blocks of a cloned partial that are already in place (the stored file had them at
   * the same offset): nothing is written. Whole blocks take their known hashes; a piece that is
   * not a whole block of the new file is read back and hashed.
   */
  async keepInPlace(blocks: readonly { length: number; weak: number; strong: Buffer }[]): Promise<void> {
    if (!this.cloned) throw new Error('keepInPlace needs a cloned partial');
    const length = blocks.reduce((sum, block) => sum + block.length, 0);
    let bytes: Buffer | undefined;
    const needsBytes = blocks.length > 1 || !this.hasher.isWholeBlock(length, this.identity.size);
    if (needsBytes) {
      bytes = Buffer.allocUnsafe(length);
      const { bytesRead } = await this.data.read(bytes, 0, length, this.hasher.length);
      if (bytesRead !== length)
        throw new ReplicationError('basis-corrupt', 'the cloned file is shorter than its manifest');
    }
    // Records go to the journal in file order: the writes before these blocks come first.
    await this.writer.drain();
    this.record(blocks.map((block) => ({ length: block.length, hash: block.strong })));
    this.addBlocks(blocks, (offset, size) => bytes!.subarray(offset, offset + size));
    this.afterWrite(0);
  }

  private addBlocks(
    blocks: readonly { length: number; weak: number; strong: Buffer }[],
    piece: (offset: number, length: number) => Buffer,
  ): void {
    let offset = 0;
    for (const block of blocks) {
      if (this.hasher.isWholeBlock(block.length, this.identity.size))
        this.hasher.addKnownBlock(block.length, block.weak, block.strong);
      else this.hasher.update(piece(offset, block.length));
      offset += block.length;
    }
  }

  /**
   * Adds the pieces' bytes (and journal records) to the batch written at the current end; a
   * full batch is written while the caller goes on. `bytes` must not change afterwards.
   */
  private async append(bytes: Buffer, pieces: readonly PieceRecord[]): Promise<void> {
    const lines =
      this.identity.size > JOURNAL_THRESHOLD ? journalRecordLines(this.hasher.length, pieces) : [];
    await this.writer.append(bytes, lines, this.hasher.length);
  }

  /**
   * Starts writing whatever is batched, without waiting for it: called when nothing more has
   * arrived, so bytes received are never held in memory while the connection is quiet (a
   * process killed then loses nothing it was sent).
   */
  async flush(): Promise<void> {
    await this.writer.start();
  }

  /** Journal records of blocks kept in place (a clone's; written at the next sync). */
  private record(pieces: readonly PieceRecord[]): void {
    if (this.identity.size > JOURNAL_THRESHOLD)
      this.pendingRecords.push(...journalRecordLines(this.hasher.length, pieces));
  }

  private afterWrite(written: number): void {
    if (this.hasher.length === this.identity.size) this.hasher.finish();
    this.sinceSync += written;
  }

  /**
   * Fsyncs every SYNC_EVERY bytes written (or, for a clone, records held), bounding what a
   * power loss can take back, in the background, one fsync at a time. A partial written from
   * empty: its journal never gets ahead of what a resume verifies anyway. A clone: its records
   * reach the journal only after the fsync of their data (syncCloneAfter). Either way a failed
   * fsync fails the file.
   */
  async checkpoint(): Promise<void> {
    this.writer.throwIfFailed();
    if (this.cloned) {
      if (this.syncing) return;
      if (this.sinceSync < SYNC_EVERY && this.pendingRecords.length < CLONE_RECORDS_PER_SYNC) return;
      this.sinceSync = 0;
      // In the background: a clone that moves many blocks (an insertion shifts the rest of the
      // file) waited for an fsync every 16 MiB, half its patching time in a 4 GiB image.
      await this.writer.start();
      const written = this.writer.newest;
      this.syncing = this.syncCloneAfter(written)
        .catch((error: unknown) => this.writer.fail(error))
        .finally(() => {
          this.syncing = undefined;
        });
      return;
    }
    if (this.sinceSync < SYNC_EVERY || this.syncing) return;
    this.sinceSync = 0;
    const data = this.data;
    const journal = this.journal;
    this.syncing = (async () => {
      await data.sync();
      await journal?.sync();
    })()
      // Not ignored: after a failed fsync a later one can report success for pages the kernel
      // dropped, and the file would be verified from memory and published with holes on disk.
      .catch((error: unknown) => this.writer.fail(error))
      .finally(() => {
        this.syncing = undefined;
      });
  }

  /** Fsyncs data, then journal (a clone's records are written only now, after its data is durable). */
  async sync(): Promise<void> {
    await this.writer.drain();
    await this.syncing;
    this.writer.throwIfFailed();
    this.sinceSync = 0;
    await this.data.sync();
    if (this.cloned) await this.writeCloneRecords(this.pendingRecords.splice(0));
    await this.journal?.sync();
  }

  /**
   * A clone's background sync: once `written` (the write holding the newest records) is done,
   * takes the records held so far, fsyncs the data they describe, then journals them. Writes
   * that finish meanwhile keep their records for the next sync: a record never reaches the
   * journal before an fsync that began after its data was written.
   */
  private async syncCloneAfter(written: Promise<void> | undefined): Promise<void> {
    await written;
    const lines = this.pendingRecords.splice(0);
    await this.data.sync();
    await this.writeCloneRecords(lines);
    await this.journal?.sync();
  }

  /** Appends a clone's records to its journal, which is created (with its head) at the first. */
  private async writeCloneRecords(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    if (!this.journal) {
      this.journal = await open(this.files.journal, 'w', 0o600);
      const head: JournalHead = { ...this.identity, blockSize: this.hasher.blockSize, clone: true };
      lines.unshift(journalHeadLine(head));
    }
    await this.journal.write(lines.join(''));
  }

  /** Checks the whole file against the sender's digest and fsyncs it; throws digest-mismatch. */
  async finish(expectedDigest: string): Promise<{ ino: number }> {
    if (this.hasher.length !== this.identity.size)
      throw new ReplicationError(
        'protocol-violation',
        `file ended at ${this.hasher.length} of ${this.identity.size}`,
      );
    await this.writer.drain();
    await this.syncing;
    // A failed fsync may have dropped written pages: a later fsync can report success anyway.
    this.writer.throwIfFailed();
    this.hasher.finish();
    if (this.hasher.digest() !== expectedDigest)
      throw new ReplicationError('digest-mismatch', 'the rebuilt file does not match the sender digest');
    if (this.verifyOnDisk) {
      // Some hashes were taken on trust from a file that has since changed: read every byte
      // back; the block hashes of what is really there replace the ones taken on trust.
      const read = await verifyOnDisk(this.data, this.identity, this.hasher.blockSize);
      if (read.digest !== expectedDigest)
        throw new ReplicationError('digest-mismatch', 'the cloned file does not match the sender digest');
      for (let i = 0; i < read.strongs.length; i++) {
        this.hasher.weaks[i] = read.weaks[i]!;
        this.hasher.strongs.set(i, read.strongs.get(i));
      }
    }
    const seconds = this.identity.mtimeMs / 1000;
    await this.data.utimes(seconds, seconds);
    await patchStep('before-fsync', this.identity.path);
    await this.data.sync();
    return { ino: (await this.data.stat()).ino };
  }

  /**
   * Makes the verified file visible at `finalPath` by an atomic rename, then drops the journal.
   * Returns no stamp: the caller stats the file (SmallPartial's commit returns one).
   */
  async commit(finalPath: string): Promise<FileStamp | undefined> {
    await this.closeHandles();
    await patchStep('before-rename', this.identity.path);
    await inDirectory(dirname(finalPath), () => rename(this.files.data, finalPath));
    await patchStep('renamed', this.identity.path);
    await fsyncDirectoryShared(dirname(finalPath));
    await rm(this.files.journal, { force: true });
    return undefined;
  }

  /** Keeps the partial for a later resume (the connection broke). */
  async suspend(): Promise<void> {
    await this.sync().catch(() => undefined);
    await this.writer.newest;
    await this.syncing;
    await this.closeHandles();
  }

  /** Throws the partial away (it can never become the file). */
  async discard(): Promise<void> {
    await this.writer.newest;
    await this.syncing;
    await this.closeHandles();
    await rm(this.files.data, { force: true });
    await rm(this.files.journal, { force: true });
  }

  private async closeHandles(): Promise<void> {
    await this.writer.closeDirect();
    await this.data.close().catch(() => undefined);
    await this.journal?.close().catch(() => undefined);
  }
}
