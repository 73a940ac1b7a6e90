/**
 * An open-loop schedule (pure): `count` sends at a constant rate, the i-th due at
 * `startMs + i / rate`, whatever happened to the ones before — so a stalled server cannot slow
 * the load down, and a latency measured from the scheduled time includes the queueing a stall
 * causes (what Gil Tene calls coordinated omission when a generator hides it).
 */
export interface Schedule {
  /** Clock time (clock.ts) of send 0, in ms. */
  startMs: number;
  ratePerS: number;
  count: number;
}

export function scheduledAt(s: Schedule, i: number): number {
  return s.startMs + (i * 1000) / s.ratePerS;
}

/** How many sends are due at `nowMs` (0 before the start, at most `count`). */
export function dueBy(s: Schedule, nowMs: number): number {
  if (nowMs < s.startMs) return 0;
  return Math.min(s.count, Math.floor(((nowMs - s.startMs) * s.ratePerS) / 1000) + 1);
}
