/**
 * What a request with an Idempotency-Key is answered when it does not push: the error registry's
 * rows (core/errors.ts), `{"reason": …}` on every API version like the port's other own answers,
 * and a recorded answer replayed.
 */
import { ERRORS, type ErrorCode } from '../../core/errors.js';
import type { PushFailureReason } from '../../push-service/notification.js';
import { jsonResponse, type RestResponse } from '../rest-response.js';
import type { RecordedAnswer } from './idempotency-store.js';

/**
 * Seconds a client is asked to wait before retrying a key still in flight (RFC 9110 §10.2.3). A
 * push is answered within milliseconds to a few seconds; the lease bounds the longest.
 */
export const IN_FLIGHT_RETRY_AFTER_S = 1;

/**
 * Marks a replayed answer. The draft defines no such field; `Idempotent-Replayed: true` is what
 * common practice sends (Stripe), so a client can tell a replay from a fresh answer.
 */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

function registryAnswer(code: ErrorCode, headers?: Record<string, string>): RestResponse {
  const rest = ERRORS[code].rest!;
  return jsonResponse(rest.status, { reason: rest.reason }, headers);
}

export const IDEMPOTENCY_ANSWERS = {
  invalid: registryAnswer('HERALD_IDEMPOTENCY_KEY_INVALID'),
  inFlight: registryAnswer('HERALD_IDEMPOTENCY_KEY_IN_FLIGHT', { 'retry-after': String(IN_FLIGHT_RETRY_AFTER_S) }),
  reused: registryAnswer('HERALD_IDEMPOTENCY_KEY_REUSED'),
  outcomeUnknown: registryAnswer('HERALD_OUTCOME_UNKNOWN'),
} as const;

/** The code whose REST answer a claim that failed (the store is down) gets: nothing was sent. */
export const CLAIM_FAILED_CODE: ErrorCode = 'HERALD_STORE';

/** Lower case, as HTTP/2 requires (RFC 9113 §8.2.1) and node:http sends it either way. */
const REPLAYED_HEADER_VALUES = Object.freeze({ [REPLAYED_HEADER.toLowerCase()]: 'true' });

/** A recorded answer as a retry gets it. */
export function replayed(answer: RecordedAnswer): RestResponse {
  return { status: answer.status, body: answer.body, headers: REPLAYED_HEADER_VALUES };
}

/**
 * Failures after which the provider cannot have the notification and a later attempt may
 * succeed: their claim is released, not recorded, so the client's retry pushes.
 * - unable_to_connect: no connection was ever made (push-service/http2/rejections.ts);
 * - too_many_requests: Herald's own backpressure (HERALD_MAILBOX_FULL, refused before sending) or
 *   the provider's 429, which it answers instead of taking the notification;
 * - service_internal: Herald shutting down or its actors stopped (refused before sending), no
 *   credential to send with, the store failing the claim, or the provider's 5xx/auth refusal.
 * A sender resends only what the provider cannot have processed (transport-error.ts
 * SAFE_TO_RESEND), so when the last attempt ends so, no earlier one was delivered either.
 * Everything else is recorded: connection_lost and request_timeout may have been delivered, and
 * the provider's rejections are final.
 */
export const RELEASING_REASONS: ReadonlySet<PushFailureReason> = new Set(['unable_to_connect', 'too_many_requests', 'service_internal']);
