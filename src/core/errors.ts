/**
 * The one error registry. Every error Herald raises on purpose carries a stable `code` from
 * this table; logs, metrics, REST bodies and tests key on the code, never on the message text.
 * Protocol-level refusals (XMPP stanza errors, provider rejections) are values of their own
 * (see xmpp/stanza-error.ts and push-service/outcome.ts); these are failures of Herald itself.
 */
export const ERRORS = {
  HERALD_CONFIG_INVALID: 'the configuration is invalid (in the file or the environment)',
  HERALD_CONFIG_UNREADABLE: 'the configuration file cannot be read',
  HERALD_CONFIG_FILE: 'a file, folder or address the configuration names cannot be used',
  HERALD_MAILBOX_FULL: "the actor's mailbox is full; the message was refused, not queued",
  HERALD_ACTOR_STOPPED: 'the actor system is stopped',
  HERALD_STANZA_TOO_LARGE: 'the stanza exceeds the configured size limit',
  HERALD_STANZA_TOO_DEEP: 'the stanza nests elements deeper than the configured limit',
  HERALD_XML_MALFORMED: 'the XML is not well-formed',
  HERALD_PAYLOAD_TOO_LARGE: 'the provider payload exceeds its size limit',
  HERALD_NO_MATCHING_POOL: 'no sender pool matches the service, mode and tags',
  HERALD_TRANSPORT: 'the connection to the provider failed before an answer arrived',
  HERALD_TIMEOUT: 'the provider did not answer within the request timeout',
  HERALD_RETRY_BUDGET_EXHAUSTED: 'transport retries for this notification are used up',
  HERALD_AUTH_KEY_INVALID: 'the provider signing key cannot be used',
  HERALD_STORE: 'the LMDB store failed',
  HERALD_STORE_FULL: 'the store is full (store.max_size_mib); writes that would grow it are refused',
  HERALD_SHUTTING_DOWN: 'Herald is shutting down',
  HERALD_SENDER_THREAD: 'a sender thread died or could not be started; it is started again after a backoff',
  HERALD_ACCEPT_FAILED: 'a listening socket could not accept a connection (EMFILE/ENFILE: out of file descriptors); it keeps listening',
  HERALD_AFTER_STREAM_ERROR: 'the stanza came on its stream after one the stream was closed for (RFC 6120 §4.9: nothing more on it is processed); not acted on',
  HERALD_SHARD_FAILED: 'a shard worker (the XMPP roles of a part of the users and push nodes) could not start or died',
  HERALD_UNCAUGHT_EXCEPTION: 'an exception escaped every handler; the process exits so that its supervisor restarts it',
  HERALD_UNHANDLED_REJECTION: 'a rejected promise had no handler; it is logged and counted, the process keeps running',
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class HeraldError extends Error {
  override readonly name = 'HeraldError';
  constructor(
    readonly code: ErrorCode,
    /** What went wrong in this instance, without the code's description (for messages that add their own context). */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${ERRORS[code]}: ${detail}` : ERRORS[code], options);
  }
}

export function isHeraldError(e: unknown, code?: ErrorCode): e is HeraldError {
  return e instanceof HeraldError && (code === undefined || e.code === code);
}
