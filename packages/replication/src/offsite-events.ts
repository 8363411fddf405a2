import type { ReplicationErrorCode } from './replication-error';

/**
 * What an offsite server reports, for logs, the agent's status and tests. Refusals carry the
 * reason so an administrator can tell a wrong pin from an unknown local server.
 */
export type OffsiteEvent =
  | { type: 'listening'; port: number }
  | {
      type: 'refused';
      code: ReplicationErrorCode;
      reason: string;
      remoteAddress?: string;
      fingerprint?: string;
    }
  | { type: 'session-start'; guid: string; remoteAddress?: string }
  | { type: 'session-end'; guid: string; error?: { code: ReplicationErrorCode; message: string } }
  | {
      type: 'file-committed';
      guid: string;
      path: string;
      size: number;
      literalBytes: number;
      matchedBytes: number;
    }
  | { type: 'file-failed'; guid: string; path: string; code: ReplicationErrorCode; message: string }
  | { type: 'path-refused'; guid: string; path: string; reason: string }
  | { type: 'deleted'; guid: string; path: string }
  | { type: 'snapshot'; guid: string; path: string; pruned: string[] }
  | { type: 'error'; guid?: string; code: ReplicationErrorCode; message: string };

/** Counters kept by an offsite server since it started. */
export interface OffsiteStats {
  connections: number;
  sessions: number;
  refusals: number;
  filesCommitted: number;
  filesFailed: number;
  pathsRefused: number;
  bytesReceived: number;
  literalBytes: number;
  matchedBytes: number;
}
