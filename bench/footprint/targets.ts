/** The targets of issue 11 for the footprint of `muster`. */
export const TARGETS = {
  /** `muster --help`, process start to exit, median, ms. */
  helpMs: 150,
  /** An idle connected agent's RSS after settling, bytes (50 MB). */
  idleRssBytes: 50_000_000,
  /** An idle agent's CPU on a 30 s check-in period, share of one core (0.1 %). */
  idleCpuShare: 0.001,
} as const;

/** PASS or MISS of a measured value against an upper bound (CPU is strictly below, the others at most). */
export function verdict(value: number, bound: number, strict = false): 'PASS' | 'MISS' {
  return (strict ? value < bound : value <= bound) ? 'PASS' : 'MISS';
}
