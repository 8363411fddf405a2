/**
 * Error codes of the core. Services throw MusterError with one of these; the HTTP layer maps
 * them to status codes and the gateway to close codes, so the core never speaks HTTP.
 */
export const ErrorCode = {
  invalidInput: 'invalid-input',
  notFound: 'not-found',
  conflict: 'conflict',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  tokenInvalid: 'token-invalid',
  accountConflict: 'account-conflict',
  unknownAgent: 'unknown-agent',
  authFailed: 'auth-failed',
  invalidState: 'invalid-state',
  internal: 'internal',
  /** Too many attempts (failed sign-ins): try again after a while. */
  tooManyRequests: 'too-many-requests',
  /** The store's file was deleted or replaced under the running server: changes are refused. */
  storeUnavailable: 'store-unavailable',
  /** This node should get no traffic now (a listener is down, or it is shutting down). */
  notReady: 'not-ready',
} as const;

/** One of the core error codes. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A typed error of the core, with a message fit to show an administrator. */
export class MusterError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'MusterError';
  }
}

/** Shorthand for an invalid-input error. */
export function invalidInput(message: string, details?: Record<string, unknown>): MusterError {
  return new MusterError(ErrorCode.invalidInput, message, details);
}

/** Shorthand for a not-found error. */
export function notFound(message: string): MusterError {
  return new MusterError(ErrorCode.notFound, message);
}
