/** setTimeout's largest delay; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** First retry after a failed check-in, before scaling: 30 s, doubling per failure. */
const RETRY_BASE_MS = 30_000;

/**
 * Real milliseconds until the next check-in for an interval in minutes. `timeScale` compresses
 * time for simulations: at 720 a 12-hour interval passes in one minute.
 */
export function checkinDelayMs(intervalMinutes: number, timeScale = 1): number {
  const scale = timeScale > 0 && Number.isFinite(timeScale) ? timeScale : 1;
  const minutes = intervalMinutes > 0 && Number.isFinite(intervalMinutes) ? intervalMinutes : 1;
  return clampTimer((minutes * 60_000) / scale);
}

/**
 * Real milliseconds before retrying after `failures` consecutive failed check-ins: a random
 * point in the upper half of an exponential ceiling, so a fleet coming back after an outage
 * does not arrive at once yet no device retries immediately; never later than the interval.
 */
export function retryDelayMs(
  failures: number,
  intervalMinutes: number,
  timeScale = 1,
  random: () => number = Math.random,
): number {
  const regular = checkinDelayMs(intervalMinutes, timeScale);
  const scale = timeScale > 0 && Number.isFinite(timeScale) ? timeScale : 1;
  const ceiling = Math.min(regular, (RETRY_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 30)) / scale);
  return clampTimer(ceiling / 2 + random() * (ceiling / 2));
}

function clampTimer(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.round(ms)));
}
