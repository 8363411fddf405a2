/**
 * Wall-clock time in epoch milliseconds with sub-millisecond precision: the process's
 * high-resolution time origin plus the monotonic performance.now(). Processes on one machine
 * share it to well under a millisecond, so it is used where two processes' times are compared
 * (the fan-out); within one process performance.now() alone is used.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
