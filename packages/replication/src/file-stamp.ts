import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';

/**
 * What a stored file looked like when its block hashes were last known to be right: inode,
 * size, and modification and change times in nanoseconds. Any write changes the change time
 * (and no call can set it back), so an equal stamp means the bytes are the ones hashed; a
 * different one only means "not known" (a hard link made by a snapshot changes it too).
 */
export type FileStamp = string;

/** The stamp of a stat result taken with `bigint: true`. */
export function stampOf(info: { ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): FileStamp {
  return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

/** The stamp of the file at `path`, or undefined when it cannot be read. */
export async function fileStamp(path: string): Promise<FileStamp | undefined> {
  try {
    return stampOf(await stat(path, { bigint: true }));
  } catch {
    return undefined;
  }
}

/** The stamp of an open file. */
export async function handleStamp(handle: FileHandle): Promise<FileStamp> {
  return stampOf(await handle.stat({ bigint: true }));
}
