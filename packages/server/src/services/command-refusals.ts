import { ErrorCode, MusterError, notFound } from '../domain/errors';
import type { CommandRefusal } from '../store/command-record';

/** The coded error of a refusal by the queue store. */
export function refusalError(reason: CommandRefusal, id: string): MusterError {
  if (reason === 'not-found') return notFound(`no command "${id}"`);
  if (reason === 'wrong-endpoint') {
    return new MusterError(
      ErrorCode.forbidden,
      `command ${id} belongs to another endpoint; nothing was stored`,
    );
  }
  const message =
    reason === 'already-finished'
      ? `command ${id} already has its result; nothing was stored`
      : `command ${id} is not processing (never delivered, or not held by this endpoint); nothing was stored`;
  return new MusterError(ErrorCode.invalidState, message, { refusal: reason });
}

/** Why the queue refused a result or release, when the error is such a refusal. */
export function refusalOf(error: unknown): CommandRefusal | null {
  if (!(error instanceof MusterError)) return null;
  if (error.code === ErrorCode.notFound) return 'not-found';
  if (error.code === ErrorCode.forbidden) return 'wrong-endpoint';
  const refusal = error.details?.refusal;
  return refusal === 'already-finished' || refusal === 'not-processing' ? refusal : null;
}
