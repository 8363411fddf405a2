import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { LatencySummary } from './results';

/** Resolution of the event loop delay histogram, ms. */
export const DELAY_RESOLUTION_MS = 10;

/**
 * A histogram of this process's event loop delay (started). Each of its samples is the time
 * between two runs of a `DELAY_RESOLUTION_MS` timer, so the lateness is that minus the resolution.
 */
export function startLoopDelay(): IntervalHistogram {
  const histogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  histogram.enable();
  return histogram;
}

/** A histogram value (ns) as the timer's lateness, ms, rounded to 0.01 ms. */
export function latenessMs(ns: number): number {
  return Math.max(0, Math.round((ns / 1e6 - DELAY_RESOLUTION_MS) * 100) / 100);
}

/** p50, p99 and max lateness of what the histogram holds (null fields when it holds nothing). */
export function loopDelaySummary(histogram: IntervalHistogram): LatencySummary {
  const any = histogram.count > 0;
  return {
    count: histogram.count,
    p50Ms: any ? latenessMs(histogram.percentile(50)) : null,
    p99Ms: any ? latenessMs(histogram.percentile(99)) : null,
    maxMs: any ? latenessMs(histogram.max) : null,
  };
}
