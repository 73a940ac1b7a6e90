/**
 * When a notification is sent again, and after how long (reference apns-fcm.md: "Retry 5xx and
 * 429 with backoff and jitter. REFUSED_STREAM … always safe to retry. A retry after a local
 * timeout may duplicate a push"; FCM: QUOTA_EXCEEDED and UNAVAILABLE "honour Retry-After",
 * INTERNAL "retry with backoff"; retry storms come from "no budget, no jitter").
 *
 * Retried:
 * - transport failures: the connection broke before an answer, REFUSED_STREAM (RFC 9113 §8.7),
 *   a stream above GOAWAY's last-stream-id (§6.8), or no connection at all;
 * - answers 429 (APNS TooManyRequests, FCM QUOTA_EXCEEDED) and 5xx (APNS InternalServerError,
 *   ServiceUnavailable, Shutdown; FCM INTERNAL, UNAVAILABLE).
 * Never retried: every other answer (a permanent rejection: BadDeviceToken, Unregistered,
 * PayloadTooLarge, DeviceTokenNotForTopic, Forbidden, ExpiredToken, UNREGISTERED,
 * INVALID_ARGUMENT, SENDER_ID_MISMATCH, any other 4xx), and a local request timeout (the outcome
 * stays `request_timeout`: the provider may have delivered it). FCM's 401 "refresh the token and
 * retry once" is the sender's own rule (SenderProvider.credentialRefused), not this policy's.
 *
 * The wait before a retry is exponential backoff with full jitter (uniform in
 * [0, min(max, base × 2^retries)]), or at least what a 429/503's Retry-After asks for. A
 * notification is held at most `holdMaxMs` in total between its attempts: a Retry-After asking
 * for more than what is left of that gives up at once with the provider's outcome
 * (too_many_requests / service_internal) instead of holding the notification. Every retry
 * also needs a token from the service's RetryBudget.
 */
import type { PushRejection } from './rejections.js';
import { retryAfterMs } from './retry-after.js';
import type { RetryBudget } from './retry-budget.js';

/** The decision "do not retry": the failure is the notification's outcome. */
export const GIVE_UP = -1;
/** Doublings stop here; 2^20 × any sane base is far above any sane cap. */
const MAX_DOUBLINGS = 20;
/** HTTP statuses whose Retry-After is honoured (RFC 9110 §10.2.3 names 503; RFC 6585 §4 429). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

export interface RetryPolicyOptions {
  /** Retries per notification after its first attempt (config `retry_attempts`). */
  attempts: number;
  /** Backoff ceiling of the first retry, ms; doubles per retry (config `retry_base_delay_ms`). */
  baseDelayMs: number;
  /** Backoff ceiling never grows beyond this, ms (config `retry_max_delay_ms`). */
  maxDelayMs: number;
  /** Longest total wait between a notification's attempts, Retry-After included, ms (config `retry_after_max_ms`). */
  holdMaxMs: number;
  /** The service's budget; shared by its senders. */
  budget: RetryBudget;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /** Epoch-ms time source for HTTP-date Retry-After values; default Date.now. */
  clock?: () => number;
}

/** Whether an answer is worth sending again at all: 429 and 5xx only. */
function isRetryableAnswer(outcome: PushRejection): boolean {
  const status = outcome.status;
  return status !== undefined && (status === 429 || (status >= 500 && status <= 599));
}

export class RetryPolicy {
  private readonly random: () => number;
  private readonly clock: () => number;

  constructor(private readonly options: RetryPolicyOptions) {
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
  }

  get budget(): RetryBudget {
    return this.options.budget;
  }

  /**
   * After a transport failure: ms to wait before the next attempt, or GIVE_UP.
   * `retries`: retries already spent on this notification; `heldMs`: total waited so far.
   * `budgeted` false for resends the budget need not guard: streams cut off by a GOAWAY (the
   * provider closing a connection, RFC 9113 §6.8: not processed) or never sent. Their number is
   * bounded by the connections' own reconnect backoff, and a routine GOAWAY mid-burst must not
   * fail every stream above its last-stream-id.
   */
  afterTransportFailure(retries: number, heldMs: number, budgeted = true): number {
    if (retries >= this.options.attempts) return GIVE_UP;
    const delay = Math.min(this.backoffMs(retries), this.options.holdMaxMs - heldMs);
    if (budgeted && !this.options.budget.tryWithdraw()) return GIVE_UP;
    return Math.max(0, delay);
  }

  /**
   * After an answer that is not a delivery (or a local timeout, `status` unset): ms to wait
   * before the next attempt, or GIVE_UP. `retryAfter` is the answer's Retry-After header.
   */
  afterRejection(outcome: PushRejection, retryAfter: string | undefined, retries: number, heldMs: number): number {
    if (!isRetryableAnswer(outcome) || retries >= this.options.attempts) return GIVE_UP;
    const left = this.options.holdMaxMs - heldMs;
    let delay = Math.min(this.backoffMs(retries), left);
    if (RETRY_AFTER_STATUSES.has(outcome.status!)) {
      const asked = retryAfterMs(retryAfter, this.clock());
      if (asked !== undefined) {
        if (asked > left) return GIVE_UP; // not worth holding the notification that long
        delay = Math.max(delay, asked);
      }
    }
    return this.options.budget.tryWithdraw() ? Math.max(0, delay) : GIVE_UP;
  }

  /**
   * Whether a notification held `heldMs` so far may also wait `waitMs` for its connection's
   * reconnect backoff: that wait holds it between attempts like a retry delay does, so the same
   * `holdMaxMs` bounds it (after failed connects the backoff grows to 30 s; the caller waits).
   */
  mayHold(heldMs: number, waitMs: number): boolean {
    return heldMs + waitMs <= this.options.holdMaxMs;
  }

  /** Full jitter: uniform in [0, min(max, base × 2^retries)]. */
  backoffMs(retries: number): number {
    const ceiling = Math.min(this.options.baseDelayMs * 2 ** Math.min(retries, MAX_DOUBLINGS), this.options.maxDelayMs);
    return Math.round(this.random() * ceiling);
  }
}
