/**
 * What the Web Push simulator answers instead of 201: RFC 8030 §5 and §8 statuses, with Mozilla
 * autopush's error body (`{code, errno, error, message, more_info}`, its documented errnos:
 * mozilla-services.github.io/autopush-rs/errors.html). One deliberate difference: RFC 8292 §4.2
 * separates absent VAPID (401) from invalid VAPID (403), where autopush answers 401 for both.
 */

export const WEBPUSH_REFUSALS = {
  /** The endpoint names no subscription the service knows (autopush errno 102). */
  'not-found': { status: 404, errno: 102, error: 'Not Found', message: 'Invalid URL endpoint' },
  /** The subscription ended: unsubscribed, expired, permission revoked (RFC 8030 §7.3; errno 103). */
  gone: { status: 410, errno: 103, error: 'Gone', message: 'Expired URL endpoint' },
  'missing-vapid': { status: 401, errno: 109, error: 'Unauthorized', message: 'Missing VAPID Authorization header' },
  'bad-vapid': { status: 403, errno: 109, error: 'Forbidden', message: 'Invalid VAPID authentication' },
  /** RFC 8030 §5.2: TTL is required (errno 111, "Missing TTL Header"). */
  'missing-ttl': { status: 400, errno: 111, error: 'Bad Request', message: 'Missing TTL Header' },
  'invalid-ttl': { status: 400, errno: 112, error: 'Bad Request', message: 'Invalid TTL header value' },
  /** RFC 8030 §5.4: at most 32 characters of the base64url alphabet (errno 113). */
  'invalid-topic': { status: 400, errno: 113, error: 'Bad Request', message: 'Invalid Topic header value' },
  /** A payload without its content coding (errno 111, "Missing Crypto Headers"). */
  'missing-encoding': { status: 400, errno: 111, error: 'Bad Request', message: 'Missing Content-Encoding header' },
  /** RFC 8291 §4: aes128gcm; anything else (the pre-RFC "aesgcm" included) is refused here (errno 110). */
  'unsupported-encoding': { status: 400, errno: 110, error: 'Bad Request', message: 'Content-Encoding must be aes128gcm' },
  /** RFC 8030 §7.2: services accept at least 4096 octets; this one exactly that (errno 104). */
  'too-large': { status: 413, errno: 104, error: 'Payload Too Large', message: 'Data payload too large' },
  /** RFC 8030 §8.4: rate limited, with Retry-After when programmed. autopush documents no errno. */
  'too-many-requests': { status: 429, errno: undefined, error: 'Too Many Requests', message: 'Too many requests' },
  'server-error': { status: 500, errno: 999, error: 'Internal Server Error', message: 'Unknown error' },
  /** errno 201: "use exponential back-off for retries". */
  unavailable: { status: 503, errno: 201, error: 'Service Unavailable', message: 'Service temporarily unavailable' },
  'no-such-path': { status: 404, errno: undefined, error: 'Not Found', message: 'Push resources are at POST /push/{subscription}' },
  'method-not-allowed': { status: 405, errno: undefined, error: 'Method Not Allowed', message: 'Use POST' },
} as const satisfies Record<string, { status: number; errno: number | undefined; error: string; message: string }>;

export type WebPushRefusal = keyof typeof WEBPUSH_REFUSALS;

/** The outcomes a subscription can be programmed with. */
export const PROGRAMMABLE_REFUSALS = ['not-found', 'gone', 'too-many-requests', 'server-error', 'unavailable'] as const;
export type ProgrammableRefusal = (typeof PROGRAMMABLE_REFUSALS)[number];

export function isProgrammableRefusal(name: unknown): name is ProgrammableRefusal {
  return (PROGRAMMABLE_REFUSALS as readonly unknown[]).includes(name);
}

/** Where autopush's bodies point for the errno table. */
const MORE_INFO = 'https://mozilla-services.github.io/autopush-rs/errors.html';

/** The JSON error body of `refusal`; `detail` replaces the standard message. */
export function refusalBody(refusal: WebPushRefusal, detail?: string): string {
  const { status, errno, error, message } = WEBPUSH_REFUSALS[refusal];
  return JSON.stringify({ code: status, errno, error, message: detail ?? message, more_info: MORE_INFO });
}
