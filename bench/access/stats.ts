import { percentile } from '../support/stats';

/** Order statistics of timings in milliseconds. */
export interface Timing {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Summarizes timings (NaN fields when there are none). */
export function timing(values: readonly number[]): Timing {
  const sorted = Array.from(Float64Array.from(values).sort());
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}
