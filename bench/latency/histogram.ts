/**
 * HDR histograms of latencies in µs (hdr-histogram-js): 3 significant digits from 1 µs to a
 * minute, so p99.9 of a million samples costs a few KB and no sorting.
 */
import { build, type Histogram } from 'hdr-histogram-js';

/** µs: a request unanswered for a minute is far past any timeout of Herald's (values above still count, resized). */
const HIGHEST_TRACKED_US = 60_000_000;

export type { Histogram };

export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_TRACKED_US, numberOfSignificantValueDigits: 3 });
}

/** A duration in ms as the whole µs a histogram records (never below 0: clocks are monotonic, rounding is not). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(0, Math.round(ms * 1000)));
}

export interface Percentiles {
  count: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export function percentiles(h: Histogram): Percentiles {
  const ms = (us: number) => us / 1000;
  return {
    count: h.totalCount,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
  };
}
