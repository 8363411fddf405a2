import { encodeSignature } from './block-signature';
import { strongLengthFor } from './block-size';
import type { FrameChannel } from './frame-channel';
import { FrameType } from './frame-codec';
import type { Manifest } from './manifest-store';
import type { FileBasisHeader, FileBeginHeader } from './wire-messages';

/** Bytes of the basis signature per signature-chunk frame. */
const SIGNATURE_CHUNK = 1024 * 1024;

/** Answers a file-begin: where to resume, the new file's block size, and the basis signature. */
export async function sendBasis(
  channel: FrameChannel,
  begin: FileBeginHeader,
  basis: Manifest | undefined,
  resumeFrom: number,
  blockSize: number,
): Promise<void> {
  const strongLength = begin.strong ?? (basis ? strongLengthFor(basis.size, basis.blockSize) : 0);
  const header: FileBasisHeader = {
    path: begin.path,
    resumeFrom,
    blockSize,
    basis: basis
      ? {
          size: basis.size,
          blockSize: basis.blockSize,
          blocks: basis.weaks.length,
          strongLength: Math.max(2, Math.min(32, strongLength)),
          damaged: basis.damaged,
        }
      : null,
  };
  await channel.send(FrameType.fileBasis, header);
  if (!basis || !header.basis) return;
  const bytes = encodeSignature(basis.weaks, basis.strongs, header.basis.strongLength);
  for (let at = 0; at < bytes.length; at += SIGNATURE_CHUNK)
    await channel.send(FrameType.signatureChunk, undefined, bytes.subarray(at, at + SIGNATURE_CHUNK));
}
