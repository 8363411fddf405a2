/**
 * Full-jitter backoff: a random delay between 0 and min(cap, base * 2^attempt). Spread out
 * like this, thousands of agents dropped at once do not return in the same second; capped at
 * the check-in period, each still returns within its period.
 */
export function fullJitterDelay(
  attempt: number,
  capMs: number,
  baseMs = 1000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
