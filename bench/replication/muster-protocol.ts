import type { OffsiteEvent, ReplicationSummary } from '@muster/replication';
import type { LatencySummary } from './results';

/** Environment variable carrying a Muster child's settings as JSON. */
export const MUSTER_CHILD_ENV = 'MUSTER_BENCH_CHILD';

/** Settings of the offsite child. */
export interface OffsiteChildConfig {
  root: string;
  port: number;
  identity: { key: string; cert: string };
  allow: { guid: string; keyFingerprint: string }[];
  /** Build a synthetic full after the pass (W8). */
  syntheticFull: boolean;
  /** Hash worker threads (the offsite's hashThreads option). */
  hashThreads: number;
}

/** Settings of the sender child. */
export interface SenderChildConfig {
  localDir: string;
  stateDir: string;
  guid: string;
  port: number;
  keyFingerprint: string;
  identity: { key: string; cert: string };
}

/** Where the sender spent a pass: time to the connected phase, then the slowest files. */
export interface SenderPhases {
  /** Index load, directory scan and TLS handshake (they run at once), ms. */
  connectMs: number;
  /** From the end of the transfer loop (every result in) until the pass ended (pass-end, index save), ms. */
  tailMs: number;
  /** The longest per-file spans (from one file's start to the next's), ms. */
  slowestFiles: { path: string; ms: number }[];
  /** Every other file together, ms. */
  otherFilesMs: number;
  otherFiles: number;
}

/** A line the sender child prints on stdout (JSON). */
export type SenderLine =
  | { type: 'started'; at: number }
  | {
      type: 'done';
      at: number;
      summary: ReplicationSummary;
      wallMs: number;
      cpuSeconds: number;
      /** Its own peak resident set, VmHWM (own-peak-rss.ts), bytes. */
      maxRssBytes: number;
      phases: SenderPhases;
      /** The sender's event loop delay while replicate() ran. */
      eventLoopDelay: LatencySummary;
    }
  | { type: 'failed'; at: number; message: string };

/**
 * A line the offsite child prints on stdout (JSON), stamped: an offsite event, or its event
 * loop delay since the session started (after each session-end and snapshot).
 */
export type OffsiteLine = (OffsiteEvent | { type: 'loop-delay'; delay: LatencySummary }) & { at: number };

/** Wall clock in ms with sub-ms precision, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
