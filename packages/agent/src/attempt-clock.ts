/** The stamp given last in this process: the next one is later even within one millisecond. */
let last = 0;

/**
 * A stamp for a new connection attempt: the wall clock in milliseconds, and strictly later than
 * every stamp this process gave before. The server orders an agent's sessions by it (AuthSchema
 * `attemptAt`): only the agent knows which of two attempts it made last, since a node under load
 * may welcome one the agent has given up on after another node welcomed the next.
 *
 * Across a restart of the agent the wall clock carries the order; a clock set back between two
 * attempts can make a new session look older than one whose end a node has not yet written, and
 * the machine then shows offline until its next connection.
 */
export function nextAttemptAt(now: number = Date.now()): number {
  last = Math.max(now, last + 1);
  return last;
}
