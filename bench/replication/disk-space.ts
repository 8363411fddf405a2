import { statfsSync } from 'node:fs';
import { type DatasetSizes, datasetSizes, finalSourceBytes, sizeLabel } from './dataset';

const MARGIN = 2 * 2 ** 30;

/** Bytes free for this process on the file system holding `path`. */
export function freeBytes(path: string): number {
  const info = statfsSync(path);
  return Number(info.bavail) * Number(info.bsize);
}

/**
 * Disk a run needs: the source and one copy per tool (each as large as the final source), plus
 * room for a rewritten image in the source and at a receiver (both write a new file, then
 * rename), plus a margin.
 */
export function bytesNeeded(sizes: DatasetSizes, tools: number): number {
  return (1 + tools) * finalSourceBytes(sizes) + 2 * sizes.imageBytes + MARGIN;
}

/** Sizes that fit the free space: the image is halved until the run fits, with a note saying so. */
export function fitToDisk(
  imageGib: number,
  smallFiles: number,
  tools: number,
  free: number,
): { sizes: DatasetSizes; note: string | null } {
  let gib = imageGib;
  let sizes = datasetSizes(gib, smallFiles);
  while (bytesNeeded(sizes, tools) > free && gib > 1 / 16) {
    gib /= 2;
    sizes = datasetSizes(gib, smallFiles);
  }
  if (gib === imageGib) return { sizes, note: null };
  const wanted = datasetSizes(imageGib, smallFiles);
  return {
    sizes,
    note:
      `the ${sizeLabel(wanted.imageBytes)} image would need ${sizeLabel(bytesNeeded(wanted, tools))} of disk, ` +
      `${sizeLabel(free)} was free: ran with a ${sizeLabel(sizes.imageBytes)} image (every file scaled alike)`,
  };
}
