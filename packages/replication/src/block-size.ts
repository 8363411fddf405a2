/** Smallest block used for deltas: below this the signature costs more than it saves. */
export const MIN_BLOCK_SIZE = 512;

/** Largest block (rsync's limit too): bounds the bytes re-sent around each change. */
export const MAX_BLOCK_SIZE = 128 * 1024;

/**
 * The block size for a file of `size` bytes: about sqrt(size), as rsync picks, rounded to a
 * power of two so that a file which grows or shrinks a little keeps its block size (and the
 * receiver can reuse verified block hashes for aligned matches).
 */
export function idealBlockSize(size: number): number {
  const root = Math.sqrt(Math.max(1, size));
  const power = 2 ** Math.round(Math.log2(root));
  return Math.min(MAX_BLOCK_SIZE, Math.max(MIN_BLOCK_SIZE, power));
}

/**
 * The block size of a file sent inline (whole, new, at most INLINE_MAX_SIZE): the smallest
 * power of two that holds it, within MIN_BLOCK_SIZE..MAX_BLOCK_SIZE. Such a file has no basis
 * to match against, so small blocks buy nothing; one block (any file up to 128 KiB) lets both
 * ends take the literal frame's SHA-256 as the block's hash, one pass over the bytes each
 * instead of a hash per 512-byte block. Later versions keep it while it fits chooseBlockSize.
 */
export function inlineBlockSize(size: number): number {
  const power = 2 ** Math.ceil(Math.log2(Math.max(1, size)));
  return Math.min(MAX_BLOCK_SIZE, Math.max(MIN_BLOCK_SIZE, power));
}

/** True for a block size a peer may name: a power of two within MIN_BLOCK_SIZE..MAX_BLOCK_SIZE. */
export function isValidBlockSize(blockSize: number): boolean {
  return (
    Number.isSafeInteger(blockSize) &&
    blockSize >= MIN_BLOCK_SIZE &&
    blockSize <= MAX_BLOCK_SIZE &&
    (blockSize & (blockSize - 1)) === 0
  );
}

/** Keeps the basis's block size while it stays within a factor of two of the ideal. */
export function chooseBlockSize(newSize: number, basisBlockSize?: number): number {
  const ideal = idealBlockSize(newSize);
  if (basisBlockSize && basisBlockSize >= ideal / 2 && basisBlockSize <= ideal * 2) return basisBlockSize;
  return ideal;
}

/**
 * Bytes of each block's SHA-256 sent in a signature. Like rsync, enough bits that a false match
 * in the whole file is unlikely (about 2^-10), plus one byte of margin; the whole-file digest
 * catches the rest and the sender then retries with full-length hashes.
 */
export function strongLengthFor(size: number, blockSize: number): number {
  const bits = 10 + 2 * Math.floor(Math.log2(Math.max(2, size))) - Math.floor(Math.log2(blockSize));
  const bytes = Math.floor((bits + 1 - 32 + 7) / 8) + 1;
  return Math.min(16, Math.max(3, bytes));
}

/** Number of blocks a file of `size` bytes has at `blockSize` (an empty file has none). */
export function blockCount(size: number, blockSize: number): number {
  return Math.ceil(size / blockSize);
}
