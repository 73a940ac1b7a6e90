/**
 * What the APNS senders count for `GET /metrics`: plain integers bumped on the send path (no
 * per-request allocation), and a plain-data snapshot that crosses threads in the stats the
 * sender threads post (threaded/protocol.ts) and merges across them.
 */
import type { PushFailureReason } from '../notification.js';

/**
 * Upper bounds (seconds) of the send-latency histogram buckets. From 5 ms (a warm connection
 * near Apple) to 10 s (past `apns.request_timeout_ms`'s default, so timeouts land in a bucket);
 * `+Inf` is implicit (Prometheus histogram convention).
 */
export const SEND_SECONDS_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface SendCountersSnapshot {
  /** Notifications the provider accepted (APNS 200). */
  sent: number;
  /** Notifications that did not end in a delivery, by PushOutcome reason. */
  rejected: Partial<Record<PushFailureReason, number>>;
  /** Transport retries spent (a notification resent after its stream closed unanswered). */
  retries: number;
  /** Requests unanswered within `apns.request_timeout_ms`. */
  timeouts: number;
  /** Time from a notification's first request on the wire to its outcome. */
  latency: {
    /** Per bucket of SEND_SECONDS_BUCKETS, NOT cumulative; the last entry is the +Inf overflow. */
    counts: number[];
    /** Seconds. */
    sum: number;
    count: number;
  };
}

export class SendCounters {
  sent = 0;
  retries = 0;
  timeouts = 0;
  private readonly rejected = new Map<PushFailureReason, number>();
  private readonly counts: number[] = new Array<number>(SEND_SECONDS_BUCKETS.length + 1).fill(0);
  private sum = 0;
  private count = 0;

  reject(reason: PushFailureReason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    if (reason === 'request_timeout') this.timeouts++;
  }

  observeSeconds(seconds: number): void {
    let i = 0;
    while (i < SEND_SECONDS_BUCKETS.length && seconds > SEND_SECONDS_BUCKETS[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  snapshot(): SendCountersSnapshot {
    return {
      sent: this.sent,
      rejected: Object.fromEntries(this.rejected),
      retries: this.retries,
      timeouts: this.timeouts,
      latency: { counts: [...this.counts], sum: this.sum, count: this.count },
    };
  }
}

export function emptySendCounters(): SendCountersSnapshot {
  return new SendCounters().snapshot();
}

/** Sums snapshots (one per sender thread). */
export function mergeSendCounters(snapshots: readonly SendCountersSnapshot[]): SendCountersSnapshot {
  const merged = emptySendCounters();
  for (const s of snapshots) {
    merged.sent += s.sent;
    merged.retries += s.retries;
    merged.timeouts += s.timeouts;
    for (const [reason, n] of Object.entries(s.rejected) as Array<[PushFailureReason, number]>) {
      merged.rejected[reason] = (merged.rejected[reason] ?? 0) + n;
    }
    for (let i = 0; i < merged.latency.counts.length; i++) merged.latency.counts[i]! += s.latency.counts[i] ?? 0;
    merged.latency.sum += s.latency.sum;
    merged.latency.count += s.latency.count;
  }
  return merged;
}
