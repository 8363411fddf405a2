import { CloseCode } from '@muster/protocol';
import type { ConnectError } from './agent-connection';

/**
 * Close codes by which a server refuses an agent for good: the install token is unknown,
 * expired, used up or revoked (4011); the server holds no machine account for the agent's key
 * and no usable token came with it (4012, after a re-enrollment was tried where one could be);
 * the account was deleted (4016). Retrying with the same key and token gets the same answer,
 * so an agent that keeps trying only hides from its install script that enrollment failed.
 * Everything else (a server down, a network fault, a restart, a duplicate account an
 * administrator may still sort out) can pass, and is retried.
 */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.tokenInvalid,
  CloseCode.unknownAgent,
  CloseCode.machineRemoved,
]);

/** Whether a failed attempt is a refusal that no retry can change. */
export function refusedForGood(error: ConnectError): boolean {
  return error.kind === 'refused' && error.closeCode !== undefined && FINAL_CLOSE_CODES.has(error.closeCode);
}
