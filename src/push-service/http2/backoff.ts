/**
 * Reconnect delays: Apple treats rapid reconnects as abuse and both providers ask for backoff, so
 * a replaced session waits at least half the base delay, doubling for every session in a row
 * that ended without a single answer.
 */

/** The longest wait between connection attempts: a long outage is still probed twice a minute. */
export const MAX_RECONNECT_BACKOFF_MS = 30_000;
/** Doublings stop here; 2^16 × any sane base is already far above the cap. */
const MAX_DOUBLINGS = 16;

/**
 * "Equal jitter": a uniform delay in [ceiling/2, ceiling], ceiling = min(base × 2^failures, cap),
 * so connections that broke together do not all come back in the same millisecond. `capMs`
 * defaults to MAX_RECONNECT_BACKOFF_MS (sender-thread restarts pass their configured ceiling).
 */
export function reconnectDelayMs(
  baseMs: number,
  failures: number,
  random: () => number = Math.random,
  capMs: number = MAX_RECONNECT_BACKOFF_MS,
): number {
  const ceiling = Math.min(baseMs * 2 ** Math.min(failures, MAX_DOUBLINGS), capMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
