/** Resolves after a delay. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a bounded wait ended with. */
export interface WaitOutcome<T> {
  /** The last value `check` returned. */
  value: T;
  /** Whether `done(value)` held before the deadline. */
  done: boolean;
  /** How long the wait took, in milliseconds. */
  elapsedMs: number;
}

/**
 * Polls `check` every `everyMs` until `done` holds for its value or `timeoutMs` passes; never
 * throws on timeout, so a benchmark can report what it reached.
 */
export async function waitUntil<T>(
  check: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs: number,
  everyMs = 250,
  onTick?: (value: T, elapsedMs: number) => void,
): Promise<WaitOutcome<T>> {
  const start = performance.now();
  for (;;) {
    const value = await check();
    const elapsedMs = performance.now() - start;
    onTick?.(value, elapsedMs);
    if (done(value)) return { value, done: true, elapsedMs };
    if (elapsedMs >= timeoutMs) return { value, done: false, elapsedMs };
    await sleep(everyMs);
  }
}
