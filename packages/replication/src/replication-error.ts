/**
 * Every failure the replication engine reports, as a stable code. Codes cross the wire in
 * error frames and reach the API and CLI unchanged, so callers branch on them, never on text.
 */
export type ReplicationErrorCode =
  | 'port-out-of-range'
  | 'port-in-use'
  | 'listen-failed'
  | 'invalid-root'
  | 'unpinned-peer'
  | 'unknown-local-server'
  | 'tls-failed'
  | 'connect-failed'
  | 'connection-lost'
  | 'idle-timeout'
  | 'frame-too-large'
  | 'frame-malformed'
  | 'protocol-violation'
  | 'unsupported-version'
  | 'path-refused'
  | 'insufficient-space'
  | 'basis-corrupt'
  | 'digest-mismatch'
  | 'block-corrupt'
  | 'source-changed'
  | 'io-error'
  | 'aborted';

/** An error carrying a ReplicationErrorCode; the message is for people, the code for code. */
export class ReplicationError extends Error {
  readonly code: ReplicationErrorCode;

  constructor(code: ReplicationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplicationError';
    this.code = code;
  }
}

/** True when `error` is a ReplicationError, optionally with the given code. */
export function isReplicationError(error: unknown, code?: ReplicationErrorCode): error is ReplicationError {
  return error instanceof ReplicationError && (code === undefined || error.code === code);
}
