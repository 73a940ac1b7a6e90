/**
 * Outcomes decided by Herald itself rather than answered by a provider: refusals made before any
 * request, and the ends of notifications that never got an answer. Shared frozen objects: they
 * carry no per-request data.
 */
import type { PushOutcome } from '../notification.js';

export type PushRejection = Extract<PushOutcome, { ok: false }>;

const rejection = (reason: PushRejection['reason']): PushRejection => Object.freeze({ ok: false, reason }) as PushRejection;

/** Refusals decided before any request is made. */
export const LOCAL_REJECTIONS = Object.freeze({
  payloadTooLarge: rejection('payload_too_large'),
  invalidRequest: rejection('invalid_request'),
  invalidNotification: rejection('invalid_notification'),
  noMatchingPool: rejection('no_matching_pool'),
  /** Unanswered within the request timeout; never resent: the provider may have delivered it. */
  requestTimeout: rejection('request_timeout'),
});

/** Notifications that got no answer at all. */
export const TRANSPORT_OUTCOMES = Object.freeze({
  /** No session could be opened (DNS, TCP, TLS). */
  unableToConnect: rejection('unable_to_connect'),
  /** The connection broke, or was closed by Herald, before an answer. */
  connectionLost: rejection('connection_lost'),
  /** Herald could not even try: no credential to be had, or a bug. */
  serviceInternal: rejection('service_internal'),
});

export function isRejection(x: PushRejection | object): x is PushRejection {
  return (x as PushRejection).ok === false;
}
