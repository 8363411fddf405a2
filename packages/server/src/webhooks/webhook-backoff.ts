/** Longest wait between two attempts of one delivery: ten minutes. */
export const WEBHOOK_RETRY_CAP_MS = 10 * 60_000;

/**
 * Wait before the attempt after `attempt` failures (1 after the first): "full jitter"
 * exponential backoff, a random time up to min(cap, base * 2^(attempt-1)). The randomness
 * spreads the retries of many deliveries that failed together (a receiver outage) so they do
 * not all hit the receiver again at the same instant.
 */
export function webhookRetryDelayMs(
  attempt: number,
  baseMs: number,
  capMs: number = WEBHOOK_RETRY_CAP_MS,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}
