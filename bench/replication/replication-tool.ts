import type { ToolName } from './args';
import type { PassResult } from './results';

/** What one pass is asked to do beyond mirroring the source. */
export interface PassRequest {
  /** Cut the connection once this many bytes went from sender to receiver, and kill the sender (W6). */
  cutAfterBytes?: number;
  /** rsync: keep a partially received file to resume from (--partial). Muster always does. */
  partial?: boolean;
  /** W8: Muster builds a synthetic full after the pass; rsync copies into a new --link-dest folder. */
  snapshot?: boolean;
}

/** A replication tool under comparison, with its own destination. */
export interface ReplicationTool {
  readonly name: ToolName;
  /** Directory on the receiving side that mirrors the source tree. */
  readonly mirrorDir: string;
  /** Runs one pass; never throws for a failed transfer (the result says so). */
  run(request: PassRequest): Promise<PassResult>;
  /** Where the snapshot of a W8 pass is, once it ran. */
  snapshotDir(pass: PassResult): string | undefined;
  /** Bytes the receiver kept of an interrupted file (its partial), 0 if none. */
  keptBytes(path: string): number;
}
