/**
 * The words Herald answers in, defined by the protocols and the contract it speaks rather than by
 * Herald: RFC 6120's stanza error types and conditions (§8.3), the stream error conditions Herald
 * closes a stream with (§4.9.3), and MongoosePush's failure reasons. On the ground floor so that
 * the error registry (errors.ts) can name them without importing the roles that send them; the
 * roles re-export them where they use them (xmpp/stanza-error.ts, xmpp/xml-violation.ts,
 * push-service/notification.ts).
 */

/** RFC 6120 §8.3.2 error types. */
export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

/** RFC 6120 §8.3.3 defined conditions. */
export type StanzaErrorCondition =
  | 'bad-request'
  | 'conflict'
  | 'feature-not-implemented'
  | 'forbidden'
  | 'gone'
  | 'internal-server-error'
  | 'item-not-found'
  | 'jid-malformed'
  | 'not-acceptable'
  | 'not-allowed'
  | 'not-authorized'
  | 'policy-violation'
  | 'recipient-unavailable'
  | 'redirect'
  | 'registration-required'
  | 'remote-server-not-found'
  | 'remote-server-timeout'
  | 'resource-constraint'
  | 'service-unavailable'
  | 'subscription-required'
  | 'undefined-condition'
  | 'unexpected-request';

/**
 * - §4.9.3.1 bad-format: XML that cannot be processed (here: text between stanzas, which XMPP
 *   does not define);
 * - §4.9.3.2 bad-namespace-prefix: a prefix that no `xmlns:prefix` in scope declares;
 * - §4.9.3.10 invalid-namespace: a stream header outside 'http://etherx.jabber.org/streams' (§4.8.1);
 * - §4.9.3.13 not-well-formed: XML 1.0 or Namespaces in XML well-formedness is violated;
 * - §4.9.3.14 policy-violation: the stream cut-off (`xmpp.stream_cutoff_bytes`) is reached;
 * - §4.9.3.18 restricted-xml: a comment, processing instruction, DTD or entity reference (§11.1);
 * - §4.9.3.22 unsupported-encoding: bytes that are not UTF-8 (§11.6), or another declared encoding.
 */
export type XmlViolationCondition =
  | 'bad-format'
  | 'bad-namespace-prefix'
  | 'invalid-namespace'
  | 'not-well-formed'
  | 'policy-violation'
  | 'restricted-xml'
  | 'unsupported-encoding';

/**
 * Why a push did not end in a delivery. These are MongoosePush's v3 reasons, so the REST API
 * maps them 1:1 and the App Server maps them to XMPP errors (unregistered → cancel, transient → wait).
 */
export type PushFailureReason =
  | 'invalid_request'
  | 'invalid_notification'
  | 'no_matching_pool'
  | 'unregistered'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'service_internal'
  | 'internal_config'
  | 'unable_to_connect'
  | 'connection_lost'
  | 'unspecified'
  | 'request_timeout';

/**
 * The REST port's own refusals of a request carrying an `Idempotency-Key`
 * (draft-ietf-httpapi-idempotency-key-header; rest/idempotency/): not MongoosePush reasons, and
 * answered alike on every API version.
 */
export type IdempotencyRefusalReason = 'idempotency_key_invalid' | 'idempotency_key_in_flight' | 'idempotency_key_reused' | 'outcome_unknown';
