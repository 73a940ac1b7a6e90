/**
 * The one error registry. Every error Herald raises on purpose carries a stable `code` from
 * this table; logs, metrics, REST bodies and tests key on the code, never on the message text.
 * Protocol-level refusals (XMPP stanza errors, provider rejections) are values of their own
 * (see xmpp/stanza-error.ts and push-service/outcome.ts); these are failures of Herald itself.
 */
export const ERRORS = {
  HERALD_CONFIG_INVALID: 'the configuration file is invalid',
  HERALD_CONFIG_UNREADABLE: 'the configuration file cannot be read or parsed',
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
  HERALD_SHUTTING_DOWN: 'Herald is shutting down',
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class HeraldError extends Error {
  override readonly name = 'HeraldError';
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${ERRORS[code]}: ${detail}` : ERRORS[code], options);
  }
}

export function isHeraldError(e: unknown, code?: ErrorCode): e is HeraldError {
  return e instanceof HeraldError && (code === undefined || e.code === code);
}
