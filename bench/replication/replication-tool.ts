import type { ToolName } from './args';
import type { KilledSide, PassResult } from './results';

/** What one pass is asked to do beyond mirroring the source. */
export interface PassRequest {
  /** Cut the connection once this many bytes went from sender to receiver, and kill a side (W6). */
  cutAfterBytes?: number;
  /**
   * The side killed with SIGKILL at the cut (default the sender, at once). The receiver is
   * killed once it has gone quiet: it has dealt with every byte that reached it, so bytes still
   * in its socket buffers are not counted against its resume.
   */
  kill?: KilledSide;
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
  /**
   * Removes what an interrupted transfer of `path` left in the mirror that no later pass will
   * (rsync's temporary file after its receiver was killed); returns the names removed.
   */
  removeLeftovers(path: string): string[];
}
