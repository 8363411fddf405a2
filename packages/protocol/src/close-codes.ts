/**
 * WebSocket close codes used on the agent port. 4000-4999 are application codes; each
 * carries a short reason text. Agents use the code to decide whether retrying can help.
 */
export const CloseCode = {
  /** Server shutting down or restarting; reconnect soon. */
  serverRestart: 1012,
  /** A frame was not JSON, not a known type, failed its schema, or came out of order. */
  protocolError: 4000,
  /** The handshake did not finish in time. */
  handshakeTimeout: 4002,
  /** A proof-of-possession signature did not verify. */
  authFailed: 4010,
  /** The install token is unknown, expired or used up. */
  tokenInvalid: 4011,
  /** The agent key is not enrolled and no install token was given. */
  unknownAgent: 4012,
  /** The server's identity is not the Server ID this agent is bound to (agent side). */
  serverIdentityMismatch: 4013,
  /** Another connection of the same agent key replaced this one. */
  replaced: 4014,
  /** The machine account is held by another agent key or another machine (duplicate account). */
  accountConflict: 4015,
  /** The machine was deleted on the server. */
  machineRemoved: 4016,
  /** Unsupported protocol version. */
  unsupportedVersion: 4017,
} as const;

/** Name of a close code. */
export type CloseCodeName = keyof typeof CloseCode;

/** Close codes after which retrying with the same credentials cannot succeed quickly. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.tokenInvalid,
  CloseCode.serverIdentityMismatch,
  CloseCode.machineRemoved,
  CloseCode.unsupportedVersion,
]);
