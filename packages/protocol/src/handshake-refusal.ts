/**
 * Why one side of the agent link ends the connection: the close code, the close reason sent with
 * it, and for the operator a longer account where the reason must stay short.
 *
 * A class so that a state machine step can return either its result or a refusal, told apart
 * with `instanceof`.
 */
export class HandshakeRefusal {
  /** The close reason; at most 123 bytes, as a close frame allows. */
  readonly reason: string;
  /** What the operator is told (log, error message); the reason unless there is more to say. */
  readonly detail: string;
  /**
   * The server holds the connection a moment before closing: after a failed proof or an
   * admission refusal, so that a misconfigured agent cannot spin on the server.
   */
  readonly hold: boolean;

  constructor(
    /** The WebSocket close code (see CloseCode). */
    readonly code: number,
    reason: string,
    options: { hold?: boolean; detail?: string } = {},
  ) {
    this.reason = clip(reason);
    this.detail = options.detail ?? reason;
    this.hold = options.hold ?? false;
  }
}

/** The first 123 bytes of a reason, never cutting a character in two. */
function clip(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let out = '';
  for (const char of reason) {
    if (Buffer.byteLength(out + char) > 123) break;
    out += char;
  }
  return out;
}

/**
 * What a side does with a message in its current phase: hand it to its handler, drop it
 * unread, or end the connection.
 */
export type MessageVerdict = 'handle' | 'ignore' | HandshakeRefusal;
