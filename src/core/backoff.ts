/**
 * The one backoff Herald waits out before trying again: the component link rejoining its XMPP
 * server, a provider connection reconnecting, a sender thread or a shard starting again. A peer
 * that went away is usually back within seconds, one that refuses (wrong secret, bad key, out
 * of file descriptors) will not change its mind soon: so the wait doubles per failure in a row
 * from `backoff_ms` up to `max_ms`, with jitter, so that what failed together (every connection
 * of a pool, a fleet of Herald instances) does not come back in the same millisecond.
 */

/** A doubling delay, ms: config `reconnect = { backoff_ms, max_ms }`. */
export interface Backoff {
  /** The first wait. */
  readonly backoff_ms: number;
  /** The wait stops growing here, so a peer back from a long outage is tried again soon. */
  readonly max_ms: number;
}

/** Doublings stop here: 2^16 × any sane first wait is far above any sane ceiling. */
const MAX_DOUBLINGS = 16;

/**
 * "Equal jitter": uniform in [ceiling/2, ceiling], ceiling = min(backoff_ms × 2^failures, max_ms).
 * Half the ceiling is always waited, so a refusing peer still sees the wait grow.
 */
export function backoffDelayMs(backoff: Backoff, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.backoff_ms * 2 ** Math.min(failures, MAX_DOUBLINGS), backoff.max_ms);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
