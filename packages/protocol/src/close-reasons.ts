/**
 * A server that closes many agent sessions at once (shutdown, restart, shedding) tells each
 * agent, in the close frame's reason, a window in seconds to come back in. Each agent picks its
 * own moment in that window, so the node is not met by every agent in the same second. The
 * window rides in the close frame itself rather than in a message before it: a close frame is
 * the last thing on the wire, cannot be overtaken by anything else the server sends, and an
 * older agent simply shows it as text.
 */

/** The longest window an agent honours; a larger one is cut to this. */
export const MAX_RECONNECT_WINDOW_SECONDS = 3600;

/** The most bytes a WebSocket close reason may carry (125-byte control frame, 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** The part of the reason that carries the window, readable in an agent's log as it stands. */
const WINDOW_PATTERN = /\(reconnect within (\d{1,9}) s\)$/;

/**
 * A close reason carrying a reconnect window: `server shutting down (reconnect within 12 s)`.
 * The text is shortened when needed, never the window, so the reason fits a close frame.
 */
export function withReconnectWindow(text: string, windowSeconds: number): string {
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new RangeError(
      `a reconnect window is a whole number of seconds, at least 1 (got ${windowSeconds})`,
    );
  }
  const suffix = ` (reconnect within ${Math.min(windowSeconds, MAX_RECONNECT_WINDOW_SECONDS)} s)`;
  const room = MAX_CLOSE_REASON_BYTES - Buffer.byteLength(suffix);
  let head = text;
  // Cut by characters, not bytes, so a multi-byte character is never split.
  while (Buffer.byteLength(head) > room) head = head.slice(0, -1);
  return `${head}${suffix}`;
}

/**
 * The reconnect window a close reason carries, in seconds (at most
 * MAX_RECONNECT_WINDOW_SECONDS), or null when it carries none: the connection was then not
 * part of a mass close, and the agent comes back at once.
 */
export function reconnectWindowOf(reason: string): number | null {
  const match = WINDOW_PATTERN.exec(reason);
  if (!match) return null;
  const seconds = Number(match[1]);
  if (seconds < 1) return null;
  return Math.min(seconds, MAX_RECONNECT_WINDOW_SECONDS);
}
