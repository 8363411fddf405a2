import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { sha256 } from './block-hasher';
import type { HashList } from './hash-list';

const MAGIC = Buffer.from('MUSTMEMO');
const VERSION = 1;
/** magic 8, version 4, block size 4, file size 8, blocks 4, reserved 4, SHA-256 of the body 32. */
const HEADER_BYTES = 64;
/** Per block in the body: the xxHash64 (8 bytes, little-endian), then, after all of them, the SHA-256s. */
const ENTRY_BYTES = 8 + 32;

/** The SHA-256s of a memo's blocks: a HashList, or the stored memo's bytes. */
interface StrongSource {
  get(index: number): Buffer;
}

/** Size of the pieces a memo body is built and written in. */
const WRITE_CHUNK = 64 * 1024;

/**
 * The sender's memory of the blocks of a file it sent: per block, the SHA-256 it had and a
 * 64-bit xxHash of the same bytes. At the next pass, a block whose bytes give the same xxHash
 * is taken to still have that SHA-256, without hashing it again (xxHash64 runs about seven
 * times faster than SHA-256 here): that is what made the sender read and SHA-256 a whole 4 GiB
 * image to find 50 changed blocks.
 *
 * Each entry is a fact about content (these bytes had this SHA-256), true whatever happened
 * to the offsite since: the encoder uses an entry only where its SHA-256 also matches the
 * offsite's basis block, and a block whose bytes changed gives another xxHash, so it is hashed
 * and compared as before. The one way to miss a change is an xxHash64 collision between the
 * old and the new bytes of one block: for bytes that were not crafted for it, about 2^-64 a
 * changed block. A retry after any failed check does not use memos at all.
 */
export class BlockMemo {
  constructor(
    readonly blockSize: number,
    /** Size of the file the memo was taken of. */
    readonly size: number,
    private readonly xxhs: BigUint64Array,
    private readonly strongs: StrongSource,
  ) {}

  /** Number of blocks remembered. */
  get blocks(): number {
    return this.xxhs.length;
  }

  /** Length of block `index` in the file the memo was taken of. */
  blockLength(index: number): number {
    return Math.min(this.blockSize, this.size - index * this.blockSize);
  }

  /**
   * The SHA-256 block `index` had, if `data` (whose xxHash64 is `xxh`) has the same length and
   * the same xxHash64; undefined otherwise.
   */
  strongIfSame(index: number, data: Uint8Array, xxh: bigint): Buffer | undefined {
    if (index < 0 || index >= this.blocks) return undefined;
    if (data.length !== this.blockLength(index) || this.xxhs[index] !== xxh) return undefined;
    return this.strongs.get(index);
  }

  /**
   * The stored form's header (magic, version, block size, file size, blocks, the body's SHA-256)
   * and its body in pieces of about WRITE_CHUNK: the xxHashes (little-endian), then the SHA-256s.
   * In pieces: a 4 GiB image's 2.5 MiB memo is not also concatenated into one buffer.
   */
  private encoded(): { header: Buffer; body: Buffer[] } {
    const blocks = this.blocks;
    const body: Buffer[] = [];
    const digest = createHash('sha256');
    const push = (piece: Buffer): void => {
      digest.update(piece);
      body.push(piece);
    };
    for (let first = 0; first < blocks; first += WRITE_CHUNK / 8) {
      const piece = Buffer.allocUnsafe(Math.min(WRITE_CHUNK / 8, blocks - first) * 8);
      for (let i = 0; i < piece.length / 8; i++) piece.writeBigUInt64LE(this.xxhs[first + i]!, i * 8);
      push(piece);
    }
    for (let first = 0; first < blocks; first += WRITE_CHUNK / 32) {
      const piece = Buffer.allocUnsafe(Math.min(WRITE_CHUNK / 32, blocks - first) * 32);
      for (let i = 0; i < piece.length / 32; i++) this.strongs.get(first + i).copy(piece, i * 32);
      push(piece);
    }
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(VERSION, 8);
    header.writeUInt32LE(this.blockSize, 12);
    header.writeBigUInt64LE(BigInt(this.size), 16);
    header.writeUInt32LE(blocks, 24);
    digest.digest().copy(header, 32);
    return { header, body };
  }

  /** The memo as stored, in one buffer. */
  encode(): Buffer {
    const { header, body } = this.encoded();
    return Buffer.concat([header, ...body]);
  }

  /** Writes the memo as stored to `file`, piece by piece. */
  async writeTo(file: string): Promise<void> {
    const { header, body } = this.encoded();
    const handle = await open(file, 'w');
    try {
      await handle.writev([header, ...body]);
    } finally {
      await handle.close();
    }
  }

  /** A stored memo taken at `blockSize`; undefined if it is of another block size or not whole. */
  static decode(bytes: Buffer, blockSize: number): BlockMemo | undefined {
    if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 8).equals(MAGIC)) return undefined;
    if (bytes.readUInt32LE(8) !== VERSION || bytes.readUInt32LE(12) !== blockSize) return undefined;
    const size = Number(bytes.readBigUInt64LE(16));
    const blocks = bytes.readUInt32LE(24);
    if (blocks !== Math.ceil(size / blockSize) || bytes.length !== HEADER_BYTES + blocks * ENTRY_BYTES)
      return undefined;
    const body = bytes.subarray(HEADER_BYTES);
    if (!sha256(body).equals(bytes.subarray(32, 64))) return undefined;
    // Views of the bytes read where they are 8-byte aligned (a 4 GiB image's memo is 2.5 MiB:
    // not held twice), a copy where not. The xxHashes are stored little-endian.
    const aligned = body.byteOffset % 8 === 0 && endianness() === 'LE';
    const xxhs = aligned
      ? new BigUint64Array(body.buffer, body.byteOffset, blocks)
      : new BigUint64Array(blocks);
    if (!aligned) for (let i = 0; i < blocks; i++) xxhs[i] = body.readBigUInt64LE(i * 8);
    const strongs = body.subarray(blocks * 8);
    return new BlockMemo(blockSize, size, xxhs, {
      get: (index) => strongs.subarray(index * 32, (index + 1) * 32),
    });
  }
}

/**
 * Builds the memo of the version being sent, one block at a time in file order. A piece that
 * is not one whole block at a block boundary (a resumed prefix, a file of small blocks) spoils
 * it: no memo is kept for that version, and the next pass hashes it in full.
 */
export class BlockMemoRecorder {
  private xxhs = new BigUint64Array(64);
  private count = 0;
  private spoiled = false;

  constructor(readonly blockSize: number) {}

  /** The next whole block's xxHash64. */
  add(xxh: bigint): void {
    if (this.count === this.xxhs.length) {
      const grown = new BigUint64Array(this.xxhs.length * 2);
      grown.set(this.xxhs);
      this.xxhs = grown;
    }
    this.xxhs[this.count++] = xxh;
  }

  /** Gives up on this version's memo. */
  spoil(): void {
    this.spoiled = true;
  }

  /**
   * The memo of a file of `size` bytes whose block SHA-256s are `strongs` (held, not copied:
   * neither may change after); undefined if spoiled.
   */
  finish(size: number, strongs: HashList): BlockMemo | undefined {
    const blocks = Math.ceil(size / this.blockSize);
    if (this.spoiled || this.count !== blocks || strongs.length !== blocks) return undefined;
    return new BlockMemo(this.blockSize, size, this.xxhs.subarray(0, blocks), strongs);
  }
}

/**
 * Files smaller than this get no memo (their blocks are small and travel several to a frame,
 * and hashing them is cheap), so a pass need not look for memos of its many small files.
 */
export const MEMO_MIN_FILE_SIZE = 1024 * 1024;

/** The folder of one local server's memos in the sender's state directory. */
export function memoDirectory(stateDir: string, guid: string): string {
  return join(stateDir, `replication-${guid}.memo`);
}

/** A memo's file: named by the SHA-256 of the path (paths may be long or hold any character). */
function memoFile(dir: string, path: string): string {
  return join(dir, `${createHash('sha256').update(path).digest('hex')}.memo`);
}

/**
 * The memo of `path` taken at `blockSize`, or undefined when there is none, it was taken at
 * another block size, or it does not read back whole (its body carries its own SHA-256, so a
 * file torn by a crash is never used: it is only a cache, written without fsync).
 */
export async function loadBlockMemo(
  dir: string,
  path: string,
  blockSize: number,
): Promise<BlockMemo | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(memoFile(dir, path));
  } catch {
    return undefined;
  }
  return BlockMemo.decode(bytes, blockSize);
}

/** Replaces the memo of `path` (written to a temporary name, then renamed over the old one). */
export async function saveBlockMemo(dir: string, path: string, memo: BlockMemo): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = memoFile(dir, path);
  const temporary = `${file}.${process.pid}.tmp`;
  await memo.writeTo(temporary);
  await rename(temporary, file);
}

/**
 * Deletes every memo (and leftover temporary file) that is not of one of `files`; files
 * smaller than MEMO_MIN_FILE_SIZE have none, and are not looked at.
 */
export async function pruneBlockMemos(
  dir: string,
  files: Iterable<{ path: string; size: number }>,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  if (names.length === 0) return;
  const keep = new Set<string>();
  for (const file of files) if (file.size >= MEMO_MIN_FILE_SIZE) keep.add(memoFile(dir, file.path));
  await Promise.all(
    names
      .map((name) => join(dir, name))
      .filter((file) => !keep.has(file))
      .map((file) => rm(file, { force: true })),
  );
}
