import type { FileHandle } from 'node:fs/promises';
import { BlockHasher } from './block-hasher';
import { handleStamp } from './file-stamp';
import type { HashList } from './hash-list';
import { patchStep } from './patch-steps';
import { ReplicationError } from './replication-error';

const READ_CHUNK = 1024 * 1024;

/** What reading a whole file back found: its digest and per-block hashes. */
export interface OnDiskHashes {
  digest: string;
  weaks: number[];
  strongs: HashList;
}

/**
 * Reads every byte of an open partial file and hashes it block by block. The file's stamp is
 * taken before and after: a write during the pass (to a block already read, which the digest
 * alone could not see) makes the pass fail rather than vouch for bytes that are gone.
 */
export async function verifyOnDisk(
  handle: FileHandle,
  identity: { path: string; size: number },
  blockSize: number,
): Promise<OnDiskHashes> {
  const before = await handleStamp(handle);
  const hasher = new BlockHasher(blockSize, true);
  // Whole blocks per read, so the hasher never holds a piece of the buffer that is reused.
  const perRead = blockSize * Math.max(1, Math.floor(READ_CHUNK / blockSize));
  const chunk = Buffer.allocUnsafe(Math.min(perRead, Math.max(1, identity.size)));
  for (let position = 0; position < identity.size; ) {
    const length = Math.min(chunk.length, identity.size - position);
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    if (bytesRead !== length)
      throw new ReplicationError('digest-mismatch', 'the partial file shrank while it was verified');
    hasher.update(chunk.subarray(0, length));
    position += length;
    await patchStep('verifying', identity.path);
  }
  hasher.finish();
  if ((await handleStamp(handle)) !== before)
    throw new ReplicationError('digest-mismatch', 'the partial file changed while it was verified');
  return { digest: hasher.digest(), weaks: hasher.weaks, strongs: hasher.strongs };
}
