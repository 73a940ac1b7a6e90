/**
 * Per-node push rate limit (mod_push_appserver: one push per node and priority per 5 s): at most
 * `limit` pushes per key within any `intervalMs` (a sliding window over the times of the last
 * pushes). A burst of publishes thus becomes `limit` pushes — the app fetches every message when
 * it wakes — and the rest are refused, not queued: a queued push would arrive late and tell
 * nothing the first one did not.
 *
 * One limiter lives in each node's actor, keyed by push kind (alert, background, voip) so that a
 * call is never held back by a message push. The actor is passivated only after
 * `actors.passivate_after_ms` of idleness; a window longer than that starts afresh.
 */
export class PushRateLimiter {
  /** key → times (ms) of the pushes still inside the window, oldest first; at most `limit`. */
  private readonly recent = new Map<string, number[]>();

  /** @param limit pushes per window; 0 = unlimited. */
  constructor(
    private readonly limit: number,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one push for `key` if the window has room; false = refuse it. */
  tryTake(key: string): boolean {
    if (this.limit === 0) return true;
    const now = this.now();
    let times = this.recent.get(key);
    if (!times) {
      times = [];
      this.recent.set(key, times);
    }
    while (times.length > 0 && now - times[0]! >= this.intervalMs) times.shift();
    if (times.length >= this.limit) return false;
    times.push(now);
    return true;
  }

  /** Milliseconds until `key` has room again (0 = now); for the error text. */
  waitMs(key: string): number {
    const times = this.recent.get(key);
    if (!times || times.length < this.limit) return 0;
    return Math.max(0, times[0]! + this.intervalMs - this.now());
  }
}
