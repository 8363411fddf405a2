import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readRssBytes } from '../support/proc-stats';
import { serverMetrics } from '../support/server-metrics';
import { sleep, waitUntil } from '../support/wait';

/** The token the benchmark gives the servers for GET /metrics (MUSTER_METRICS_TOKEN). */
export const METRICS_TOKEN = 'bench-terminal-metrics-token-0123456789abcdef';

/** Node options that let the benchmark make a server collect its garbage: a heap snapshot on SIGUSR2. */
export function gcSignalNodeArgs(snapshotDir: string): string[] {
  return ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`];
}

/** A server's memory after a full garbage collection. */
export interface SettledMemory {
  /** Mean of the RSS samples taken after the collection, bytes. */
  rssBytes: number;
  rssSamples: number[];
  /** V8's used heap plus its external memory (ArrayBuffers, Buffers), from /metrics, bytes. */
  heapAndExternalBytes: number;
}

const snapshots = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.heapsnapshot'));
  } catch {
    return [];
  }
};

/** V8's used heap plus external memory from a server's /metrics. */
async function heapAndExternal(httpUrl: string): Promise<number> {
  const value = await serverMetrics(httpUrl, METRICS_TOKEN);
  return value('nodejs_heap_size_used_bytes') + value('nodejs_external_memory_bytes');
}

/**
 * Makes the server collect its garbage (a heap snapshot, which V8 takes after a full
 * collection; the file is deleted), then samples its RSS `samples` times a second apart and
 * reads its heap figures. The server writes the snapshot on its main thread, so once its API
 * answers again the snapshot is done.
 */
export async function settledMemory(
  pid: number,
  httpUrl: string,
  snapshotDir: string,
  samples = 4,
): Promise<SettledMemory> {
  const before = snapshots(snapshotDir).length;
  process.kill(pid, 'SIGUSR2');
  const written = await waitUntil(
    () => snapshots(snapshotDir).length,
    (n) => n > before,
    60_000,
    100,
  );
  if (!written.done) throw new Error('the server wrote no heap snapshot on SIGUSR2');
  await fetch(`${httpUrl}/api/v1/openapi.json`, { signal: AbortSignal.timeout(60_000) }).then((r) =>
    r.arrayBuffer(),
  );
  for (const name of snapshots(snapshotDir)) rmSync(join(snapshotDir, name), { force: true });
  const heap = await heapAndExternal(httpUrl);
  const rssSamples: number[] = [];
  for (let i = 0; i < samples; i++) {
    rssSamples.push(readRssBytes(pid));
    await sleep(1000);
  }
  return {
    rssBytes: rssSamples.reduce((a, b) => a + b, 0) / rssSamples.length,
    rssSamples,
    heapAndExternalBytes: heap,
  };
}
