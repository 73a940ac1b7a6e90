/**
 * The one error registry (as fastify's lib/errors.js). Every error Herald raises on purpose carries
 * a stable `code` from this table; logs, metrics, REST bodies and tests key on the code, never on
 * the message text. Each code also decides how it is answered where it can reach a client:
 *
 * - `rest`: the REST answer when `PushDispatcher.send` throws it — a MongoosePush reason and the
 *   status v3 gives that reason (v1/v2 answer the reason in their own way). `null`: the code never
 *   comes out of a dispatcher; were it to, it gets the contract's "anything else" row.
 * - `xmpp`: the RFC 6120 §8.3 error type and defined condition an IQ is answered with when a
 *   handler throws it. `null`: the code never reaches a stanza error (it fails the start, closes a
 *   stream, or is only logged); were it to, it is `wait/internal-server-error`.
 *
 * Provider rejections are not codes: they are outcome values (`PushFailureReason` in
 * push-service/notification.ts), answered by rest/v3-responses.ts and app-server/outcome-errors.ts.
 * The README's "Error codes" table lists these rows: test/core/error-registry.test.ts keeps it and
 * the registry in step, test/push-service/rest/openapi.test.ts the registry and /swagger.json.
 */
import type { PushFailureReason } from '../push-service/notification.js';
import type { StanzaErrorCondition, StanzaErrorType } from '../xmpp/stanza-error.js';

export interface RestAnswer {
  readonly status: number;
  readonly reason: PushFailureReason;
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
/** MongoosePush's reason for a transient failure of the service itself (503). */
const SERVICE_INTERNAL: RestAnswer = { status: 503, reason: 'service_internal' };

export const ERRORS = {
  HERALD_CONFIG_INVALID: { meaning: 'the configuration is invalid (in the file or the environment)', rest: null, xmpp: null },
  HERALD_CONFIG_UNREADABLE: { meaning: 'the configuration file cannot be read', rest: null, xmpp: null },
  HERALD_CONFIG_FILE: { meaning: 'a file, folder or address the configuration names cannot be used', rest: null, xmpp: null },
  HERALD_MAILBOX_FULL: {
    meaning: "the actor's mailbox is full; the message was refused, not queued",
    rest: { status: 429, reason: 'too_many_requests' }, // backpressure: answered at once
    xmpp: BUSY,
  },
  HERALD_ACTOR_STOPPED: { meaning: 'the actor system is stopped', rest: SERVICE_INTERNAL, xmpp: STOPPING },
  HERALD_STANZA_TOO_LARGE: { meaning: 'the stanza exceeds the configured size limit', rest: null, xmpp: overLimit('size') },
  HERALD_STANZA_TOO_DEEP: { meaning: 'the stanza nests elements deeper than the configured limit', rest: null, xmpp: overLimit('depth') },
  /** A stream error (RFC 6120 §4.9.3, the condition the XmlViolation carries), never a stanza error. */
  HERALD_XML_MALFORMED: { meaning: 'the XML is not well-formed', rest: null, xmpp: null },
  HERALD_TRANSPORT: {
    meaning: 'the connection to the provider failed before an answer arrived',
    rest: { status: 503, reason: 'connection_lost' },
    xmpp: null,
  },
  /** RFC 6120 §8.3.3.17 remote-server-timeout: a publish to a remote App Server went unanswered. */
  HERALD_TIMEOUT: {
    meaning: 'the provider or the remote App Server did not answer within the request timeout',
    rest: { status: 500, reason: 'request_timeout' },
    xmpp: { type: 'wait', condition: 'remote-server-timeout', text: 'no answer in time' },
  },
  HERALD_AUTH_KEY_INVALID: { meaning: 'the provider signing key cannot be used', rest: null, xmpp: null },
  HERALD_STORE: { meaning: 'the LMDB store failed', rest: null, xmpp: null },
  HERALD_STORE_FULL: {
    meaning: 'the store is full (store.max_size_mib); writes that would grow it are refused',
    rest: null,
    xmpp: { type: 'wait', condition: 'resource-constraint', text: 'the push store is full; try again later' },
  },
  HERALD_SHUTTING_DOWN: { meaning: 'Herald is shutting down', rest: SERVICE_INTERNAL, xmpp: STOPPING },
  HERALD_SENDER_THREAD: {
    meaning: 'a sender thread died or could not be started; it is started again after a backoff',
    rest: null,
    xmpp: null,
  },
  HERALD_ACCEPT_FAILED: {
    meaning: 'a listening socket could not accept a connection (EMFILE/ENFILE: out of file descriptors); it keeps listening',
    rest: null,
    xmpp: null,
  },
  HERALD_AFTER_STREAM_ERROR: {
    meaning: 'the stanza came on its stream after one the stream was closed for (RFC 6120 §4.9: nothing more on it is processed); not acted on',
    rest: null,
    xmpp: null,
  },
  HERALD_SHARD_FAILED: {
    meaning: 'a shard worker (the XMPP roles of a part of the users and push nodes) could not start or died',
    rest: null,
    xmpp: null,
  },
  HERALD_UNCAUGHT_EXCEPTION: {
    meaning: 'an exception escaped every handler; the process exits so that its supervisor restarts it',
    rest: null,
    xmpp: null,
  },
  HERALD_UNHANDLED_REJECTION: {
    meaning: 'a rejected promise had no handler; it is logged and counted, the process keeps running',
    rest: null,
    xmpp: null,
  },
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
