/**
 * A histogram kept as plain numbers, so observing on a hot path (every store query) allocates
 * nothing: one counter per bucket, a sum and a count. The exposition reads it at scrape time.
 */
export class BucketHistogram {
  /** Observations per bucket, not cumulative; the last one is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  /** `bounds`: the upper bounds of the buckets, ascending. */
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts one value into its bucket. */
  observe(value: number): void {
    let i = 0;
    const bounds = this.bounds;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

/** Seconds from a millisecond to a minute: store queries and command waits alike. */
export const SECONDS_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** Seconds from a second to a day: commands that wait for an agent, replication passes. */
export const LONG_SECONDS_BUCKETS: readonly number[] = [
  0.1, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600, 86400,
];
