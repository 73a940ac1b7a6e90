/**
 * Retry-After (RFC 9110 §10.2.3): `Retry-After = HTTP-date / delay-seconds`. APNS and FCM send it
 * with 429 and 503 answers (FCM: "honour Retry-After" for QUOTA_EXCEEDED and UNAVAILABLE).
 */

/** delay-seconds = 1*DIGIT */
const DELAY_SECONDS = /^\d+$/;
/** Every HTTP-date form (IMF-fixdate, rfc850-date, asctime-date) starts with the day name. */
const HTTP_DATE_START = /^[A-Za-z]{3}/;

/**
 * The wait the header asks for, in ms from `nowMs` (0 for a date already past), or undefined
 * when there is no header or it is neither form.
 */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text) * 1_000;
  // HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and the obsolete forms Date.parse reads.
  const at = HTTP_DATE_START.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
