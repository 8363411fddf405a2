import type { ReplicationSummary } from '@muster/replication';
import type { MachineInfo } from '../support/machine-info';
import type { ToolName } from './args';
import type { SenderPhases } from './muster-protocol';
import type { SideUsage } from './process-meter';
import type { WireBytes } from './proxy-handle';

/** The workloads, in the order they run (W6b: W6 with the receiver killed instead). */
export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W6b' | 'W7' | 'W8';

/** Which side of a transfer W6 kills with SIGKILL. */
export type KilledSide = 'sender' | 'receiver';

/** Order statistics of round trips or delays, ms (null fields when there were none). */
export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/**
 * How fast one of Muster's processes answered while it replicated: the benchmark pings it over
 * its IPC channel every `intervalMs` (the sender from replicate()'s start to its end, the
 * offsite from then to the end of its session) and times each pong: the end-to-end figure of a
 * command reaching a busy agent and its answer coming back.
 */
export interface CommandProbeResult {
  intervalMs: number;
  /** Ping to pong, as the benchmark process saw it. */
  roundTrip: LatencySummary;
  /** Pings sent while the pass ran that had no pong when the sender was done (or killed). */
  unanswered: number;
  /**
   * The process's own event loop delay over the pass (perf_hooks monitorEventLoopDelay, the
   * timer's lateness beyond its resolution): where a slow pong was spent. The offsite's runs from
   * its session's start to its end.
   */
  eventLoopDelay: LatencySummary | null;
}

/** rsync's own account of a transfer (--stats). */
export interface RsyncStats {
  literalBytes: number;
  matchedBytes: number;
  fileListBytes: number;
  filesTransferred: number;
  totalBytesSent: number;
  totalBytesReceived: number;
}

/** Muster's own account of a pass and where the sender spent it. */
export interface MusterDetail {
  summary: ReplicationSummary;
  phases: SenderPhases;
  /** From replicate() resolving until the sender process had nothing left to do and exited, ms. */
  exitAfterPassMs: number;
  /** The synthetic full built after the pass (W8). */
  snapshot?: { path: string; secondsAfterPass: number };
}

/** Whether a destination matched the source after a pass. */
export interface CheckResult {
  ok: boolean;
  filesCompared: number;
  filesHashed: number;
  /** Files proven equal by sharing the inode of an already verified copy (snapshots). */
  filesLinked: number;
  problems: string[];
}

/** One tool's pass over one workload. */
export interface PassResult {
  tool: ToolName;
  /**
   * Wall time of the transfer, seconds. rsync: the client process, start to exit. Muster: the
   * replicate() call in the already started sender process (an agent is a running service), up
   * to the snapshot event for W8.
   */
  wallSeconds: number;
  /** From spawning the sender process to its exit (Muster: node and tsx start-up included). */
  processWallSeconds: number;
  /** `sync -f` of the destination file system right after the pass: what rsync left unflushed. */
  flushSeconds: number;
  wire: WireBytes;
  sender: SideUsage;
  receiver: SideUsage;
  /** A side was killed on purpose (W6's and W6b's first attempt). */
  killed: boolean;
  exitCode: number | null;
  muster?: MusterDetail;
  /** Muster: how fast the sender answered pings while it replicated. */
  probe?: CommandProbeResult;
  /** Muster: how fast the offsite answered pings, from the sender's start to the session's end. */
  offsiteProbe?: CommandProbeResult;
  rsync?: RsyncStats;
  check?: CheckResult;
  /**
   * Files the tool sent that the workload did not change (a full re-read and re-diff on both
   * sides each): Muster's from its slowest-file spans, rsync's as a count.
   */
  unexpectedFiles?: string[];
  /** What went wrong, when the pass failed. */
  error?: string;
}

/** W6 and W6b: a transfer cut at about half, then run again. */
export interface ResumeDetail {
  /** The side killed with SIGKILL at the cut. */
  killed: KilledSide;
  fileBytes: number;
  /** Bytes the sender had put through when the link was cut (client to server). */
  cutAtBytes: number;
  /** Size of what the receiver kept of the file (Muster's partial, rsync's --partial file). */
  keptBytes: number;
  /** File bytes the second attempt sent (Muster: literal; rsync: literal data). */
  secondAttemptDataBytes: number;
  /**
   * File bytes that reached the receiver before the cut, estimated from the wire bytes: the cut
   * minus the tool's fixed overhead per pass (its W7 upload), times its data-to-wire ratio (W2).
   */
  crossedBytes: number;
  /** Bytes re-sent beyond the remainder: second attempt's data minus (file - crossed). */
  resentBytes: number;
  /** Of what the receiver kept, bytes sent again: second attempt's data minus (file - kept). */
  resentOfKeptBytes: number;
  /** The file's block size (the granularity a resume can lose). */
  blockBytes: number;
  /** What the interrupted transfer left in the mirror after the rerun, removed before the check. */
  leftovers: string[];
  attempts: [PassResult, PassResult];
}

/** One workload: what changed, and each tool's pass. */
export interface WorkloadResult {
  id: WorkloadId;
  title: string;
  /** Bytes of data the workload added or changed in the source (before any delta). */
  changedBytes: number;
  /** Bytes of the files involved (what a tool reads or could have to send). */
  filesBytes: number;
  /** The files the workload added or changed (W1: every file, so only their number). */
  changedPaths: string[] | number;
  passes: Partial<Record<ToolName, PassResult>>;
  resume?: Partial<Record<ToolName, ResumeDetail>>;
}

/** One target and how the run did against it. */
export interface TargetRow {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  note: string;
}

/** How busy the shared machine was at one moment. */
export interface EnvironmentSample {
  loadAverage: number[];
  at: string;
}

/** Everything one benchmark run measured. */
export interface ReplicationBenchResults {
  benchmark: 'replication';
  machine: MachineInfo;
  environment: { atStart: EnvironmentSample; atEnd: EnvironmentSample; freeDiskBytesAtStart: number };
  commandLine: string;
  config: Record<string, number | string | boolean>;
  tools: { rsyncVersion: string; sshVersion: string; sshCipher: string; installed: string[] };
  /** Why the sizes differ from the ones asked for, if they do. */
  scaling: string | null;
  workloads: WorkloadResult[];
  /** CPU the counting proxy used over the whole run, seconds. */
  proxyCpuSeconds: number;
  targets: TargetRow[];
  durationSeconds: number;
}
