import { reconnectWindowOf } from '@muster/protocol';
import { fullJitterDelay } from './backoff';

/** How long to wait before reconnecting, and why. */
export interface ReconnectDelay {
  delayMs: number;
  /** The window the server told in its close, in seconds; null when it told none. */
  windowSeconds: number | null;
}

/**
 * The wait before the next connection attempt. When the server's close told a reconnect
 * window (it dropped all its agents at once), a uniformly random moment in that window, so
 * the agents it held come back spread over it. Otherwise, after a connection that just broke
 * or an attempt that failed, full-jitter backoff: under a second at the first attempt, so a
 * lone agent whose link broke is back at once, growing up to the cap after repeated failures.
 */
export function reconnectDelay(
  /** The reason of the close that ended the connection served last; null after a failed attempt. */
  closeReason: string | null,
  attempt: number,
  capMs: number,
  random: () => number = Math.random,
): ReconnectDelay {
  const windowSeconds = closeReason === null ? null : reconnectWindowOf(closeReason);
  if (windowSeconds !== null) return { delayMs: Math.floor(random() * windowSeconds * 1000), windowSeconds };
  return { delayMs: fullJitterDelay(attempt, capMs, 1000, random), windowSeconds: null };
}
