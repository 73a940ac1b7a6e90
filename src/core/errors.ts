/**
 * The one error registry (as fastify's lib/errors.js). Every error Herald raises on purpose carries
 * a stable `code` from this table; logs, metrics, REST bodies and tests key on the code, never on
 * the message text. Each code also decides how it is answered where it can reach a client:
 *
 * - `rest`: the REST answer when `PushDispatcher.send` throws it — a MongoosePush reason and the
 *   status v3 gives that reason (v1/v2 answer the reason in their own way) — or, for the
 *   `HERALD_IDEMPOTENCY_*` and `HERALD_OUTCOME_UNKNOWN` codes, the REST port's own answer to a
 *   request with an `Idempotency-Key` (the same `{"reason": …}` on every version,
 *   rest/idempotency/idempotency-answers.ts). `null`: the code never comes out of a dispatcher;
 *   were it to, it gets the contract's "anything else" row.
 * - `xmpp`: the RFC 6120 §8.3 error type and defined condition an IQ is answered with when a
 *   handler throws it. `null`: the code never reaches a stanza error (it fails the start, closes a
 *   stream, or is only logged); were it to, it is `wait/internal-server-error`.
 * - `stream`: the RFC 6120 §4.9.3 stream error a host of the embedding API closes its stream with
 *   when `handleStanza` refuses with it (`streamErrorCondition`; an XmlViolation names its own).
 *   `null`: the refusal is not about the stream.
 *
 * Provider rejections are not codes: they are outcome values (`PushFailureReason` in
 * push-service/notification.ts), answered by rest/v3-responses.ts and app-server/outcome-errors.ts.
 * The README's "Error codes" table lists these rows: test/core/error-registry.test.ts keeps it and
 * the registry in step, test/rest/openapi.test.ts the registry and /swagger.json.
 */
import type { IdempotencyRefusalReason, PushFailureReason, StanzaErrorCondition, StanzaErrorType, XmlViolationCondition } from './answer-vocabulary.js';

export interface RestAnswer {
  readonly status: number;
  /** A MongoosePush reason (thrown by a dispatcher), or one of the REST port's own Idempotency-Key refusals. */
  readonly reason: PushFailureReason | IdempotencyRefusalReason;
}

export interface XmppAnswer {
  readonly type: StanzaErrorType;
  readonly condition: StanzaErrorCondition;
  /** The stanza error's `<text/>`, unless the thrower gives its own. */
  readonly text?: string;
}

export interface ErrorSpec {
  readonly meaning: string;
  readonly rest: RestAnswer | null;
  readonly xmpp: XmppAnswer | null;
  readonly stream: XmlViolationCondition | null;
}

/** RFC 6120 §8.3.3.18: resource-constraint, `wait`: retrying later may succeed, and XEP-0357 servers keep the registration. */
const BUSY: XmppAnswer = { type: 'wait', condition: 'resource-constraint', text: 'too many requests in flight; try again later' };
/** RFC 6120 §8.3.3.19: service-unavailable, `wait`: another instance or a restart will serve it. */
const STOPPING: XmppAnswer = { type: 'wait', condition: 'service-unavailable', text: 'shutting down; try again later' };
/**
 * RFC 6120 §8.3.3.12 policy-violation, `modify`: §13.12 lets an entity limit stanza size (and depth,
 * for the same concern); the thrower names the limit and its value in the text.
 */
const overLimit = (limit: 'size' | 'depth'): XmppAnswer => ({ type: 'modify', condition: 'policy-violation', text: `the stanza is over the ${limit} limit` });
/** A code no REST, stanza or stream error answers: it fails the start, is logged and counted, or rejects a host's call. */
const unanswered = (meaning: string): ErrorSpec => ({ meaning, rest: null, xmpp: null, stream: null });
/** MongoosePush's reason for a transient failure of the service itself (503). */
const SERVICE_INTERNAL: RestAnswer = { status: 503, reason: 'service_internal' };

export const ERRORS = {
  HERALD_CONFIG_INVALID: unanswered('the configuration is invalid (in the file or the environment)'),
  HERALD_CONFIG_UNREADABLE: unanswered('the configuration file cannot be read'),
  HERALD_CONFIG_FILE: unanswered('a file, folder or address the configuration names cannot be used'),
  HERALD_MAILBOX_FULL: {
    meaning: "the actor's mailbox is full; the message was refused, not queued",
    rest: { status: 429, reason: 'too_many_requests' }, // backpressure: answered at once
    xmpp: BUSY,
    stream: null,
  },
  HERALD_ACTOR_STOPPED: { meaning: 'the actor system is stopped', rest: SERVICE_INTERNAL, xmpp: STOPPING, stream: null },
  HERALD_STANZA_TOO_LARGE: {
    meaning: 'the stanza exceeds the configured size limit',
    rest: null,
    xmpp: overLimit('size'),
    stream: 'policy-violation', // RFC 6120 §4.9.3.14, when Herald could not answer the stanza itself
  },
  HERALD_STANZA_TOO_DEEP: {
    meaning: 'the stanza nests elements deeper than the configured limit',
    rest: null,
    xmpp: overLimit('depth'),
    stream: 'policy-violation', // RFC 6120 §4.9.3.14, when Herald could not answer the stanza itself
  },
  /** Never a stanza error: RFC 6120 §4.9.3.13 not-well-formed, or the condition its XmlViolation names. */
  HERALD_XML_MALFORMED: { meaning: 'the XML is not well-formed', rest: null, xmpp: null, stream: 'not-well-formed' },
  HERALD_TRANSPORT: {
    meaning: 'the connection to the provider failed before an answer arrived',
    rest: { status: 503, reason: 'connection_lost' },
    xmpp: null,
    stream: null,
  },
  /** RFC 6120 §8.3.3.17 remote-server-timeout: a publish to a remote App Server went unanswered. */
  HERALD_TIMEOUT: {
    meaning: 'the provider or the remote App Server did not answer within the request timeout',
    rest: { status: 500, reason: 'request_timeout' },
    xmpp: { type: 'wait', condition: 'remote-server-timeout', text: 'no answer in time' },
    stream: null,
  },
  HERALD_AUTH_KEY_INVALID: unanswered('the provider signing key cannot be used'),
  /** REST: only the Idempotency-Key's claim reads the store before a push (nothing was sent: try again). */
  HERALD_STORE: { meaning: 'the store (LMDB or PostgreSQL) failed', rest: SERVICE_INTERNAL, xmpp: null, stream: null },
  HERALD_STORE_FULL: {
    meaning: 'the store is full (store.max_size_mib); writes that would grow it are refused',
    rest: null,
    xmpp: { type: 'wait', condition: 'resource-constraint', text: 'the push store is full; try again later' },
    stream: null,
  },
  HERALD_STORE_CONTENDED: {
    meaning: 'other instances kept changing the push node while this one rewrote it; nothing was written',
    rest: null,
    xmpp: { type: 'wait', condition: 'resource-constraint', text: 'the push node is being changed elsewhere; try again later' },
    stream: null,
  },
  /** draft-ietf-httpapi-idempotency-key-header §2.1: the key is an sf-string; Herald publishes its format (rest/idempotency/idempotency-key.ts). */
  HERALD_IDEMPOTENCY_KEY_INVALID: {
    meaning: 'the Idempotency-Key header is not a key Herald accepts (printable ASCII, at most 255 characters, one header)',
    rest: { status: 400, reason: 'idempotency_key_invalid' },
    xmpp: null,
    stream: null,
  },
  /** The draft's "Concurrent Request": MUST be a conflict error; no correction needed, retry after Retry-After. */
  HERALD_IDEMPOTENCY_KEY_IN_FLIGHT: {
    meaning: 'a request with this Idempotency-Key is still being processed; try again later',
    rest: { status: 409, reason: 'idempotency_key_in_flight' },
    xmpp: null,
    stream: null,
  },
  /** The draft's key "reused with a different request payload": 422. */
  HERALD_IDEMPOTENCY_KEY_REUSED: {
    meaning: 'the Idempotency-Key was used for another request (another API version, device or body)',
    rest: { status: 422, reason: 'idempotency_key_reused' },
    xmpp: null,
    stream: null,
  },
  HERALD_OUTCOME_UNKNOWN: {
    meaning:
      'the instance that took this Idempotency-Key stopped before it recorded an answer: the notification may have reached the device, and is not sent again',
    rest: { status: 500, reason: 'outcome_unknown' },
    xmpp: null,
    stream: null,
  },
  HERALD_SHUTTING_DOWN: { meaning: 'Herald is shutting down', rest: SERVICE_INTERNAL, xmpp: STOPPING, stream: null },
  HERALD_SENDER_THREAD: unanswered(
    'a sender thread died or could not be started; it is started again after a backoff',
  ),
  HERALD_ACCEPT_FAILED: unanswered(
    'a listening socket could not accept a connection (EMFILE/ENFILE: out of file descriptors); it keeps listening',
  ),
  HERALD_AFTER_STREAM_ERROR: unanswered(
    'the stanza came on its stream after one the stream was closed for (RFC 6120 §4.9: nothing more on it is processed); not acted on',
  ),
  /** RFC 8291 §4: one record in the 4096 octets every push service accepts (RFC 8030 §7.2) leaves 3993 octets of plaintext. */
  HERALD_WEBPUSH_PAYLOAD_TOO_LARGE: {
    meaning: 'the Web Push payload is over the 3993 bytes one aes128gcm record of 4096 bytes can carry (RFC 8291 §4)',
    rest: { status: 413, reason: 'payload_too_large' },
    xmpp: null,
    stream: null,
  },
  HERALD_WEBPUSH_INVALID: {
    meaning: 'a Web Push subscription or option is not valid (endpoint, p256dh or auth key, VAPID key or subject, TTL, Urgency, Topic)',
    rest: { status: 400, reason: 'invalid_request' },
    xmpp: null,
    stream: null,
  },
  HERALD_SHARD_FAILED: unanswered(
    'a shard worker (the XMPP roles of a part of the users and push nodes) could not start or died',
  ),
  HERALD_UNCAUGHT_EXCEPTION: unanswered(
    'an exception escaped every handler; the process exits so that its supervisor restarts it',
  ),
  HERALD_UNHANDLED_REJECTION: unanswered(
    'a rejected promise had no handler; it is logged and counted, the process keeps running',
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class HeraldError extends Error {
  override readonly name = 'HeraldError';
  constructor(
    readonly code: ErrorCode,
    /** What went wrong in this instance, without the code's description (for messages that add their own context). */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    const { meaning } = ERRORS[code];
    super(detail ? `${meaning}: ${detail}` : meaning, options);
  }
}

export function isHeraldError(e: unknown, code?: ErrorCode): e is HeraldError {
  return e instanceof HeraldError && (code === undefined || e.code === code);
}

/** The registry's row for a thrown value: its code's, or undefined for anything but a HeraldError. */
export function errorSpecOf(e: unknown): ErrorSpec | undefined {
  return isHeraldError(e) ? ERRORS[e.code] : undefined;
}
