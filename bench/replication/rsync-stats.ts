import type { RsyncStats } from './results';

function number(text: string, label: string): number | undefined {
  const match = new RegExp(`^${label}:\\s+([\\d,.]+)`, 'm').exec(text);
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : undefined;
}

/** Reads what `rsync --stats` printed; undefined when it printed none (killed, failed). */
export function parseRsyncStats(stdout: string): RsyncStats | undefined {
  const literalBytes = number(stdout, 'Literal data');
  if (literalBytes === undefined) return undefined;
  return {
    literalBytes,
    matchedBytes: number(stdout, 'Matched data') ?? 0,
    fileListBytes: number(stdout, 'File list size') ?? 0,
    filesTransferred: number(stdout, 'Number of regular files transferred') ?? 0,
    totalBytesSent: number(stdout, 'Total bytes sent') ?? 0,
    totalBytesReceived: number(stdout, 'Total bytes received') ?? 0,
  };
}
