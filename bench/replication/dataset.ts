import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Keystream, writeKeystream } from './keystream';

const GIB = 2 ** 30;
const MIB = 2 ** 20;
const KIB = 1024;

/** Relative paths of the source tree (the local server directory). */
export const DATA_PATHS = {
  image: 'images/full.img',
  grow: 'images/grow.img',
  increments: ['images/inc-1.img', 'images/inc-2.img', 'images/inc-3.img'],
  resume: 'images/resume.img',
  /** W6b's file (W6 with the receiver killed): as large as W6's, a different file. */
  resumeReceiver: 'images/resume-receiver.img',
  smallDir: 'small',
} as const;

/** Sizes of every file and change; all scale with the image so a quick run keeps the proportions. */
export interface DatasetSizes {
  imageBytes: number;
  /** The separate file W3 grows (half the image: 2 GiB at full size). */
  growBytes: number;
  /** What W3 appends (1/16 of the image: 256 MiB). */
  growByBytes: number;
  /** Each of W2's three new files (1/8 of the image: 512 MiB). */
  incrementBytes: number;
  /** The fresh file W6 (and W6b) sends and interrupts (1/4 of the image: 1 GiB). */
  resumeBytes: number;
  smallFiles: number;
  overwriteCount: number;
  overwriteBytes: number;
  insertBytes: number;
}

/** Sizes for an image of `imageGib` GiB (rounded to whole MiB) and `smallFiles` small files. */
export function datasetSizes(imageGib: number, smallFiles: number): DatasetSizes {
  const imageBytes = Math.max(16, Math.round(imageGib * 1024)) * MIB;
  return {
    imageBytes,
    growBytes: imageBytes / 2,
    growByBytes: imageBytes / 16,
    incrementBytes: imageBytes / 8,
    resumeBytes: imageBytes / 4,
    smallFiles,
    overwriteCount: 50,
    overwriteBytes: 64 * KIB,
    insertBytes: MIB,
  };
}

/** Size of small file `i` (1-64 KiB, fixed by its index). */
export function smallFileSize(i: number): number {
  // A cheap integer hash: sizes look random but need no stream to reproduce.
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  return KIB + (h % (63 * KIB + 1));
}

/** Relative path of small file `i`: 100 files per folder. */
export function smallFilePath(i: number): string {
  const dir = String(Math.floor(i / 100)).padStart(3, '0');
  return `${DATA_PATHS.smallDir}/d${dir}/f${String(i).padStart(5, '0')}.bin`;
}

/** Bytes the seeded tree holds (W1). */
export function seedBytes(sizes: DatasetSizes): number {
  let small = 0;
  for (let i = 0; i < sizes.smallFiles; i++) small += smallFileSize(i);
  return sizes.imageBytes + sizes.growBytes + small;
}

/** Bytes the source tree holds after every workload. */
export function finalSourceBytes(sizes: DatasetSizes): number {
  return (
    seedBytes(sizes) +
    sizes.growByBytes +
    3 * sizes.incrementBytes +
    2 * sizes.resumeBytes +
    sizes.insertBytes
  );
}

/** Writes a new file of `size` keystream bytes seeded by its path. */
export async function writeDataFile(root: string, path: string, size: number): Promise<void> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, 'w');
  try {
    await writeKeystream(handle, 0, size, new Keystream(path));
  } finally {
    await handle.close();
  }
}

/** Creates the W1 tree: the image, the file W3 grows, and the small files. */
export async function createSeedTree(root: string, sizes: DatasetSizes): Promise<void> {
  await writeDataFile(root, DATA_PATHS.image, sizes.imageBytes);
  await writeDataFile(root, DATA_PATHS.grow, sizes.growBytes);
  const stream = new Keystream('small-files');
  let lastDir = '';
  for (let i = 0; i < sizes.smallFiles; i++) {
    const file = join(root, smallFilePath(i));
    const dir = dirname(file);
    if (dir !== lastDir) mkdirSync(dir, { recursive: true });
    lastDir = dir;
    writeFileSync(file, stream.next(smallFileSize(i)));
  }
}

/** Human size: "4 GiB", "256 MiB". */
export function sizeLabel(bytes: number): string {
  if (bytes >= GIB && bytes % GIB === 0) return `${bytes / GIB} GiB`;
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(2)} GiB`;
  return `${Math.round(bytes / MIB)} MiB`;
}
