import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_PATHS, type DatasetSizes, writeDataFile } from './dataset';
import { Keystream, writeKeystream } from './keystream';

const COPY_CHUNK = 8 * 1024 * 1024;
/** Overwrites land on 4 KiB boundaries, as a file system's cluster writes into an image do. */
const OVERWRITE_ALIGN = 4096;

/** W2: three new incremental files. Returns the changed paths. */
export async function addIncrements(root: string, sizes: DatasetSizes): Promise<string[]> {
  for (const path of DATA_PATHS.increments) await writeDataFile(root, path, sizes.incrementBytes);
  return [...DATA_PATHS.increments];
}

/** W3: the separate file grows at its end (an incremental chain appended to). */
export async function growFile(root: string, sizes: DatasetSizes): Promise<string[]> {
  const handle = await open(join(root, DATA_PATHS.grow), 'r+');
  try {
    const { size } = await handle.stat();
    await writeKeystream(handle, size, sizes.growByBytes, new Keystream('w3-growth'));
  } finally {
    await handle.close();
  }
  return [DATA_PATHS.grow];
}

/** W4: random 64 KiB overwrites inside the image, in place (same size, new mtime). */
export async function overwriteBlocks(root: string, sizes: DatasetSizes): Promise<string[]> {
  const handle = await open(join(root, DATA_PATHS.image), 'r+');
  try {
    const { size } = await handle.stat();
    const where = new Keystream('w4-offsets');
    const data = new Keystream('w4-data');
    const slots = Math.floor((size - sizes.overwriteBytes) / OVERWRITE_ALIGN);
    for (let i = 0; i < sizes.overwriteCount; i++) {
      const offset = where.integer(slots) * OVERWRITE_ALIGN;
      await handle.write(data.next(sizes.overwriteBytes), 0, sizes.overwriteBytes, offset);
    }
  } finally {
    await handle.close();
  }
  return [DATA_PATHS.image];
}

/** The byte offset W5 inserts at: the middle, off any block boundary. */
export function insertOffset(imageBytes: number): number {
  return Math.floor(imageBytes / 2) + 1000;
}

/**
 * W5: 1 MiB inserted in the middle of the image, shifting the second half. Written as a new
 * file renamed over the old one (what an image rewrite does; the inode changes).
 */
export async function insertInMiddle(root: string, sizes: DatasetSizes): Promise<string[]> {
  const path = join(root, DATA_PATHS.image);
  const temp = `${path}.inserting`;
  const source = await open(path, 'r');
  const target = await open(temp, 'w');
  try {
    const { size } = await source.stat();
    const at = insertOffset(size);
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    const copy = async (from: number, to: number, shift: number): Promise<void> => {
      for (let position = from; position < to; ) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(COPY_CHUNK, to - position), position);
        if (bytesRead === 0) throw new Error(`short read in ${path}`);
        await target.write(buffer, 0, bytesRead, position + shift);
        position += bytesRead;
      }
    };
    await copy(0, at, 0);
    await writeKeystream(target, at, sizes.insertBytes, new Keystream('w5-insert'));
    await copy(at, size, sizes.insertBytes);
  } finally {
    await source.close();
    await target.close();
  }
  await rename(temp, path);
  return [DATA_PATHS.image];
}

/** W6 and W6b: a fresh large file at `path`, the one whose transfer is interrupted. */
export async function addResumeFile(root: string, sizes: DatasetSizes, path: string): Promise<string[]> {
  await writeDataFile(root, path, sizes.resumeBytes);
  return [path];
}
