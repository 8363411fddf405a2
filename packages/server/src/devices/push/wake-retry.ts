import type { WakeOutcome } from './wake-provider';

/**
 * The result of a single send attempt, before the retry loop counts attempts. A provider may
 * pass on a server's Retry-After as `retryAfterMs`; the loop then waits at least that long
 * (still capped), because retrying earlier would only be throttled again.
 */
export type WakeAttemptResult =
  | { status: 'sent'; providerMessageId?: string }
  | { status: 'failed'; reason: string; retryable: boolean; retryAfterMs?: number };

/** How a provider retries transient failures. Every field has a default; tests inject sleep, random and now. */
export interface WakeRetryOptions {
  /** Total attempts including the first; default 3. */
  maxAttempts?: number;
  /** Upper bound of the first retry's delay in ms; default 200. */
  baseDelayMs?: number;
  /** Upper bound of any delay in ms; default 5000. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
  /** Epoch ms clock, compared with `deadline`; default Date.now. */
  now?: () => number;
}

const defaults = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000 };

/**
 * Full-jitter exponential backoff: a uniform delay in [0, min(cap, base * 2^retryIndex)).
 * Full jitter (rather than a fixed or "equal" jitter) spreads a burst of devices that failed
 * together, so a recovering APNs or SMSC is not hit by them all again at the same instant.
 * `retryIndex` is 0 for the wait before the second attempt.
 */
export function fullJitterDelay(
  retryIndex: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retryIndex);
  return Math.floor(random * ceiling);
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it sends, fails for good, runs out of attempts or passes `deadline`
 * (the message's expiry, epoch ms). Only failures marked retryable are tried again; a
 * non-retryable one (unknown device, bad credentials) would fail identically every time and,
 * for APNs, repeated bad-token requests count against the provider. An attempt that throws is
 * a provider bug, not a transient condition, so it ends the loop as a non-retryable failure.
 */
export async function withWakeRetry(
  attempt: (attemptNumber: number) => Promise<WakeAttemptResult>,
  options: WakeRetryOptions = {},
  deadline?: number,
): Promise<WakeOutcome> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? defaults.maxAttempts));
  const baseDelayMs = options.baseDelayMs ?? defaults.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? defaults.maxDelayMs;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  if (deadline !== undefined && now() >= deadline) {
    return { status: 'failed', reason: 'message expired before it was sent', retryable: false, attempts: 0 };
  }
  let attempts = 0;
  for (;;) {
    attempts += 1;
    let result: WakeAttemptResult;
    try {
      result = await attempt(attempts);
    } catch (error) {
      return { status: 'failed', reason: errorMessage(error), retryable: false, attempts };
    }
    if (result.status === 'sent') {
      return result.providerMessageId === undefined
        ? { status: 'sent', attempts }
        : { status: 'sent', providerMessageId: result.providerMessageId, attempts };
    }
    const failed = {
      status: 'failed' as const,
      reason: result.reason,
      retryable: result.retryable,
      attempts,
    };
    if (!result.retryable || attempts >= maxAttempts) return failed;
    const jitter = fullJitterDelay(attempts - 1, baseDelayMs, maxDelayMs, random());
    const delay = Math.max(jitter, Math.min(result.retryAfterMs ?? 0, maxDelayMs));
    if (deadline !== undefined && now() + delay >= deadline) {
      // Waiting would carry the retry past the expiry, so the wake can no longer be useful.
      return { ...failed, reason: `${result.reason} (message expired before a retry)`, retryable: false };
    }
    await sleep(delay);
  }
}

/** The message of a thrown value, for failure reasons. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
