/**
 * How long the component waits before it knocks on the XMPP server again. A server that went
 * away is usually restarting and back within seconds; one that refuses the handshake (wrong
 * secret, unknown component domain) will not change its mind soon. So: exponential backoff from
 * `component.reconnect_backoff_ms` up to `component.reconnect_max_ms`, with jitter, so several
 * Herald instances (or a restarted fleet) do not reconnect in the same millisecond.
 */

/** Doublings stop here: 2^16 × any sane base is far above any sane cap. */
const MAX_DOUBLINGS = 16;

/**
 * "Equal jitter": uniform in [ceiling/2, ceiling], ceiling = min(base × 2^failures, max). Half the
 * ceiling is always waited, so a refusing server still sees the delay grow.
 */
export function reconnectDelayMs(baseMs: number, maxMs: number, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(baseMs * 2 ** Math.min(failures, MAX_DOUBLINGS), maxMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
