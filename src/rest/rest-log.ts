/**
 * The part of Herald's Logger the REST endpoint uses (any core/log.ts Logger fits; the server
 * wraps it with `redacting`, so a test's or a host's logger sees redacted fields too).
 *
 * Nothing is logged for a request answered 200. What a client can repeat at will is folded, one
 * line per `rest.refusal_log_interval_ms` and kind with a `count` (refusals.ts):
 * - warn  `rest.unauthorized`          a missing or wrong bearer token (401)
 * - warn  `rest.connection_refused`    closed at accept: max_connections(_per_client)
 * - warn  `rest.request_shed`          414, 431, 503 under the limits
 * - info  `rest.connection_dropped`    TLS handshake timeout or failure, headers timeout, bad HTTP
 * What is logged one line per request:
 * - info  `rest.invalid_notification`  a 422: the validator's messages, never the body
 * - info  `rest.push_failed`           the provider (or the sender) answered a failure
 * - debug `rest.push_refused`          Herald's own refusal (backpressure, shutting down):
 *                                      debug, as it comes in floods when it comes
 * - warn  `rest.close_cut`             on close, connections still open when CLOSE_GRACE_MS
 *                                      ended were cut (their answers lost), with the count
 * - error `rest.dispatcher_failed`, `rest.request_failed`: a bug of ours
 * Lines about a notification carry its `device_id`, which the logger shows as a hint only and
 * scrubs from the line's other strings (error messages included).
 */
import type { Logger } from '../core/log.js';

export type RestLog = Pick<Logger, 'error'> & Partial<Pick<Logger, 'debug' | 'info' | 'warn'>>;
