/**
 * One monotonic clock in milliseconds for every thread of the process. `performance.now()` counts
 * from each thread's own start, so a worker's and the main thread's readings cannot be compared;
 * `process.hrtime` reads the same monotonic source (uv_hrtime) in all of them.
 */
export type Clock = () => number;

/** Milliseconds since `base` (a `process.hrtime.bigint()` reading shared by the threads). */
export function clockFrom(base: bigint): Clock {
  return () => Number(process.hrtime.bigint() - base) / 1e6;
}
