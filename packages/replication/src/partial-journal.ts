import type { FileHandle } from 'node:fs/promises';
import { open, readFile } from 'node:fs/promises';
import { BlockHasher, sha256 } from './block-hasher';
import type { PartialIdentity } from './partial-file';

/**
 * Largest piece a journal record describes (pieces are a block, at most 128 KiB, or a literal
 * frame): a longer one is not ours, and reading it back would need that much memory.
 */
const MAX_RECORD = 4 * 1024 * 1024;

/** The first line of a partial's journal: the file version it belongs to, and how it is hashed. */
export interface JournalHead extends PartialIdentity {
  blockSize: number;
  /** The data file started as a clone of the stored file: bytes past the journaled prefix are the clone's. */
  clone?: boolean;
}

/** One piece of the new file as the journal records it: its length and SHA-256. */
export interface PieceRecord {
  length: number;
  hash: Buffer;
}

/** A journal's first line: its head as JSON, with the newline. */
export function journalHeadLine(head: JournalHead): string {
  return `${JSON.stringify(head)}\n`;
}

/**
 * The journal lines of consecutive pieces from `offset` on: `offset length sha256-hex`, one
 * per piece, each with its newline (readBackJournal reads them back).
 */
export function journalRecordLines(offset: number, pieces: readonly PieceRecord[]): string[] {
  let at = offset;
  return pieces.map((piece) => {
    const line = `${at} ${piece.length} ${piece.hash.toString('hex')}\n`;
    at += piece.length;
    return line;
  });
}

/** What a journal left by an earlier attempt still proves about its data file. */
export interface ReadBackJournal {
  head: JournalHead;
  /** The data file, open for reading and writing. */
  data: FileHandle;
  /** The verified prefix, hashed: where the transfer resumes. */
  hasher: BlockHasher;
  /** The records kept, each with its newline, in file order. */
  kept: string[];
}

/**
 * Reads back the journal of a partial of `identity` left by an earlier attempt: keeps each
 * record, in order, whose bytes read back from the data file with the recorded SHA-256; the
 * first that does not ends what was received. Undefined when there is no journal, it belongs
 * to another version of the file, or the data file is gone.
 */
export async function readBackJournal(
  files: { data: string; journal: string },
  identity: PartialIdentity,
): Promise<ReadBackJournal | undefined> {
  let text: string;
  try {
    text = await readFile(files.journal, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  let head: JournalHead;
  try {
    head = JSON.parse(lines[0]!) as JournalHead;
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
  const kept: string[] = [];
  // One buffer for every record (a record is one piece: a block, or a literal frame): a
  // buffer per record left a resumed 4 GiB file's worth of garbage for the collector.
  let buffer = Buffer.alloc(0);
  for (const line of lines.slice(1, -1)) {
    const [offset, length, hash] = line.split(' ');
    const size = Number(length);
    if (Number(offset) !== hasher.length || !Number.isSafeInteger(size) || size <= 0) break;
    if (hasher.length + size > identity.size || size > MAX_RECORD || hash?.length !== 64) break;
    if (buffer.length < size) buffer = Buffer.allocUnsafe(Math.max(size, 2 * buffer.length));
    // The hasher copies what it keeps of a piece, so the buffer is free again after update().
    const bytes = buffer.subarray(0, size);
    const { bytesRead } = await data.read(bytes, 0, size, hasher.length);
    if (bytesRead !== size || sha256(bytes).toString('hex') !== hash) break;
    hasher.update(bytes);
    kept.push(`${line}\n`);
  }
  return { head, data, hasher, kept };
}
