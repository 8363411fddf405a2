/** Remote terminal sessions and their recordings: what the store keeps (issue 14). */

import type { ScopeFilter } from '../access/scope';
import type { KeysetPosition } from './list-record';

/**
 * Why a session ended. The known reasons are listed for the console and for checks; the store
 * keeps any short text, so a new reason needs no migration.
 */
export type TerminalEndReason =
  | 'exit'
  | 'closed'
  | 'idle'
  | 'ended-by-admin'
  | 'agent-lost'
  | 'node-restarted'
  | 'node-lost'
  | (string & {});

/** A terminal session to record as it opens. */
export interface NewTerminalSession {
  id: string;
  machineId: string;
  /** The machine's group (MachineRecord.groupId): scopes reach the session through it. */
  groupId: string;
  userId: string;
  /** The user's name as it was then (kept if the user is renamed or deleted). */
  username: string;
  /** The node serving the browser: it records the session and ends it. */
  nodeId: string;
  /** The node holding the agent's connection (the same node or another); null if not known. */
  agentNodeId: string | null;
  startedAt: number;
  cols: number;
  rows: number;
  /** Whether keystrokes are recorded too (output always is). */
  recordInput: boolean;
}

/** Bytes through a session so far: from the user to the machine (in) and back (out). */
export interface TerminalByteCounts {
  bytesIn: number;
  bytesOut: number;
}

/** How a session ended. */
export interface TerminalSessionEnd extends TerminalByteCounts {
  endedAt: number;
  endReason: TerminalEndReason;
  /** Who ended it: the administrator's name for 'ended-by-admin', else null. */
  endedBy: string | null;
}

/** A terminal session as stored: live while `endedAt` is null. */
export interface TerminalSessionRecord extends NewTerminalSession, TerminalByteCounts {
  endedAt: number | null;
  endReason: TerminalEndReason | null;
  endedBy: string | null;
  // bytesIn, bytesOut: the counts at the end, or as of the latest stored chunk while live.
  /** Chunks the recording holds (the next append's seq). */
  recordingChunks: number;
  /** The recording's size in bytes (all its chunks together). */
  recordingBytes: number;
}

/** Which sessions a list shows: newest first (by start, then id, descending). */
export interface TerminalSessionQuery {
  /** The caller's scope: only sessions on machines it holds. */
  scope: ScopeFilter;
  machineId?: string;
  /** true: live sessions only; false: ended ones only; omitted: both. */
  live?: boolean;
  /** The `next` of the page before: sessions after it in the order. */
  after?: KeysetPosition<string>;
  limit: number;
}

/** A page of sessions and the position of its last one (null when the list ends there). */
export interface TerminalSessionPage {
  sessions: TerminalSessionRecord[];
  /** Pass as `after` for the next page; its key is the last session's startedAt. */
  next: KeysetPosition<string> | null;
}

/** The largest recording chunk the store takes. */
export const MAX_RECORDING_CHUNK_BYTES = 1024 * 1024;

/**
 * Terminal sessions and their recordings. Reads that take a scope see only sessions on
 * machines in it (evaluated in the query); the others are for the server's own use, after the
 * caller found the session with a scoped `get`.
 */
export interface TerminalSessionStore {
  /** Records a session as it opens (live, with an empty recording). A taken id is an error. */
  create(session: NewTerminalSession): Promise<TerminalSessionRecord>;
  /**
   * Appends chunk `seq` of the recording: chunks are numbered from 0 and must come in order.
   * Throws a MusterError: `conflict` for a repeat (seq already stored) or a gap (details
   * `{ expected, got }`: a writer that retried after a lost answer learns its chunk was
   * stored), `not-found` for an unknown session, `invalid-state` once the session ended,
   * `invalid-input` for an empty chunk or one over MAX_RECORDING_CHUNK_BYTES. `counts`, when
   * given, are stored with the chunk, so a session its node never got to end keeps them.
   * `data` is the caller's again once the returned promise settles (the recorder reuses it).
   */
  appendRecording(id: string, seq: number, data: Uint8Array, counts?: TerminalByteCounts): Promise<void>;
  /**
   * The recording's chunks in order, read a few at a time (a long recording is never held
   * whole). Empty for an unknown session. Unscoped.
   */
  readRecording(id: string): AsyncIterable<Buffer>;
  /**
   * Ends a live session. Only the first end counts: ending an ended (or unknown) session
   * changes nothing and returns false.
   */
  finish(id: string, end: TerminalSessionEnd): Promise<boolean>;
  /** A session, when it exists and its machine is in scope (omitted: everything). */
  get(id: string, scope?: ScopeFilter): Promise<TerminalSessionRecord | null>;
  /** One page of the sessions in scope, newest first. */
  list(query: TerminalSessionQuery): Promise<TerminalSessionPage>;
  /**
   * Ends every session a node recorded that is still live, with `reason`: 'node-restarted' as
   * the node itself starts, before it opens any terminal (the sessions of its previous run are
   * gone), 'node-lost' when another node finds it stopped beating. Returns the sessions this
   * call ended (for their audit entries): when nodes sweep at once, each session is returned
   * by exactly one of them.
   */
  endOrphans(
    nodeId: string,
    now: number,
    reason: 'node-restarted' | 'node-lost',
  ): Promise<TerminalSessionRecord[]>;
  /**
   * Deletes up to `limit` sessions that ended before `time` (oldest first), with their
   * recordings; live sessions are never deleted. Returns how many were deleted.
   */
  purgeEndedBefore(time: number, limit: number): Promise<number>;
}
