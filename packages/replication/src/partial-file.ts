import type { FileHandle } from 'node:fs/promises';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BlockHasher, sha256 } from './block-hasher';
import { fsyncDirectory, inDirectory } from './durable-file';
import { partialFiles } from './offsite-layout';
import { ReplicationError } from './replication-error';

/** Files up to this size arrive in one literal frame and are not journaled. */
const JOURNAL_THRESHOLD = 256 * 1024;

/** Data written between two fsyncs of a partial file and its journal. */
const SYNC_EVERY = 16 * 1024 * 1024;

/** Which version of which file a partial belongs to; a partial of another version is dropped. */
export interface PartialIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * A file being received, kept in the partial folder until it is whole and verified. Its journal
 * records the SHA-256 of every piece written; after any crash the pieces whose data still match
 * are kept, so a transfer resumes exactly where the verified data stops.
 */
export class PartialFile {
  private sinceSync = 0;

  private constructor(
    readonly identity: PartialIdentity,
    readonly files: { data: string; journal: string },
    readonly hasher: BlockHasher,
    private readonly data: FileHandle,
    private readonly journal: FileHandle | undefined,
  ) {}

  /**
   * Opens the partial of `identity`, resuming a matching one (its block size wins) or starting
   * a new one with `blockSize`.
   */
  static async open(guidDir: string, identity: PartialIdentity, blockSize: number): Promise<PartialFile> {
    const files = partialFiles(guidDir, identity.path);
    const resumed = identity.size > JOURNAL_THRESHOLD ? await PartialFile.resume(files, identity) : undefined;
    if (resumed) return resumed;
    const data = await inDirectory(dirname(files.data), () => open(files.data, 'w+', 0o600));
    // A file that fits in one literal frame is never half-received, so it needs no journal.
    let journal: FileHandle | undefined;
    if (identity.size > JOURNAL_THRESHOLD) {
      journal = await open(files.journal, 'w', 0o600);
      await journal.write(`${JSON.stringify({ ...identity, blockSize })}\n`);
    }
    return new PartialFile(identity, files, new BlockHasher(blockSize, true), data, journal);
  }

  private static async resume(
    files: { data: string; journal: string },
    identity: PartialIdentity,
  ): Promise<PartialFile | undefined> {
    let text: string;
    try {
      text = await readFile(files.journal, 'utf8');
    } catch {
      return undefined;
    }
    const lines = text.split('\n');
    let head: PartialIdentity & { blockSize: number };
    try {
      head = JSON.parse(lines[0]!) as PartialIdentity & { blockSize: number };
    } catch {
      return undefined;
    }
    if (head.path !== identity.path || head.size !== identity.size || head.mtimeMs !== identity.mtimeMs)
      return undefined;
    if (!Number.isSafeInteger(head.blockSize) || head.blockSize <= 0) return undefined;
    let data: FileHandle;
    try {
      data = await open(files.data, 'r+');
    } catch {
      return undefined;
    }
    const hasher = new BlockHasher(head.blockSize, true);
    // Records are journaled before their data is written: keep each one, in order, whose bytes
    // read back with the recorded SHA-256; the first that does not ends what was received.
    const kept: string[] = [];
    for (const line of lines.slice(1, -1)) {
      const [offset, length, hash] = line.split(' ');
      const size = Number(length);
      if (Number(offset) !== hasher.length || !Number.isSafeInteger(size) || size <= 0) break;
      if (hasher.length + size > identity.size || hash?.length !== 64) break;
      const bytes = Buffer.alloc(size);
      const { bytesRead } = await data.read(bytes, 0, size, hasher.length);
      if (bytesRead !== size || sha256(bytes).toString('hex') !== hash) break;
      hasher.update(bytes);
      kept.push(`${line}\n`);
    }
    await data.truncate(hasher.length);
    const journal = await open(files.journal, 'w', 0o600);
    await journal.write(`${JSON.stringify(head)}\n${kept.join('')}`);
    return new PartialFile(identity, files, hasher, data, journal);
  }

  /** Bytes held (and verified), which is where the sender resumes. */
  get length(): number {
    return this.hasher.length;
  }

  /** Appends bytes of the new file; `hash` is their SHA-256 when already known. */
  async write(bytes: Buffer, hash?: Buffer): Promise<void> {
    await this.append(bytes, hash);
    this.hasher.update(bytes);
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
    await this.append(bytes);
    let offset = 0;
    for (const block of blocks) {
      const piece = bytes.subarray(offset, offset + block.length);
      offset += block.length;
      const whole =
        block.length === this.hasher.blockSize || this.hasher.length + block.length === this.identity.size;
      if (this.hasher.atBoundary && whole) this.hasher.addKnownBlock(block.length, block.weak, block.strong);
      else this.hasher.update(piece);
    }
    this.afterWrite(bytes.length);
  }

  /**
   * Journals a record (offset, length, SHA-256) and then writes the data. In that order a
   * process killed between the two leaves a record whose data does not verify (dropped on
   * resume), never data without a record (which would have to be sent again).
   */
  private async append(bytes: Buffer, hash?: Buffer): Promise<void> {
    if (this.journal) {
      const digest = (hash ?? sha256(bytes)).toString('hex');
      await this.journal.write(`${this.hasher.length} ${bytes.length} ${digest}\n`);
    }
    await this.data.write(bytes, 0, bytes.length, this.hasher.length);
  }

  private afterWrite(written: number): void {
    if (this.hasher.length === this.identity.size) this.hasher.finish();
    this.sinceSync += written;
  }

  /** Fsyncs every SYNC_EVERY bytes, bounding what a power loss can take back. */
  async checkpoint(): Promise<void> {
    if (this.sinceSync >= SYNC_EVERY) await this.sync();
  }

  /** Fsyncs data, then journal. */
  async sync(): Promise<void> {
    this.sinceSync = 0;
    await this.data.sync();
    await this.journal?.sync();
  }

  /** Checks the whole file against the sender's digest and fsyncs it; throws digest-mismatch. */
  async finish(expectedDigest: string): Promise<{ ino: number }> {
    if (this.hasher.length !== this.identity.size)
      throw new ReplicationError(
        'protocol-violation',
        `file ended at ${this.hasher.length} of ${this.identity.size}`,
      );
    this.hasher.finish();
    if (this.hasher.digest() !== expectedDigest)
      throw new ReplicationError('digest-mismatch', 'the rebuilt file does not match the sender digest');
    const seconds = this.identity.mtimeMs / 1000;
    await this.data.utimes(seconds, seconds);
    await this.data.sync();
    return { ino: (await this.data.stat()).ino };
  }

  /** Makes the verified file visible at `finalPath` by an atomic rename, then drops the journal. */
  async commit(finalPath: string): Promise<void> {
    await this.closeHandles();
    await inDirectory(dirname(finalPath), () => rename(this.files.data, finalPath));
    await fsyncDirectory(dirname(finalPath));
    if (this.journal) await rm(this.files.journal, { force: true });
  }

  /** Keeps the partial for a later resume (the connection broke). */
  async suspend(): Promise<void> {
    await this.sync().catch(() => undefined);
    await this.closeHandles();
  }

  /** Throws the partial away (it can never become the file). */
  async discard(): Promise<void> {
    await this.closeHandles();
    await rm(this.files.data, { force: true });
    await rm(this.files.journal, { force: true });
  }

  private async closeHandles(): Promise<void> {
    await this.data.close().catch(() => undefined);
    await this.journal?.close().catch(() => undefined);
  }
}
