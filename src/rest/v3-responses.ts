/**
 * API v3 answers (MongoosePush v3, MongooseIM's default `api_version`): one row per outcome.
 * MongooseIM disables the user's push registration on 410 only; every other status is logged.
 */
import type { PushFailureReason, PushOutcome } from '../push-service/notification.js';
import { jsonResponse, type RestResponse } from './rest-response.js';

export const V3_SUCCESS = jsonResponse(200, null);

/** Status per failure reason; the body is always `{"reason":"<reason>"}`. */
const V3_STATUS: Readonly<Record<PushFailureReason, number>> = {
  invalid_request: 400, //      bad token, token for another topic, …
  no_matching_pool: 400, //     no pool serves this service/mode/tags
  invalid_notification: 400,
  unregistered: 410, //         APNS 410 Unregistered, FCM UNREGISTERED: MongooseIM disables the device
  payload_too_large: 413,
  too_many_requests: 429, //    provider's rate limit or our own backpressure
  service_internal: 503, //     provider down/internal, and provider auth failures (masked)
  internal_config: 503, //      provider refuses our configuration (bad/missing topic)
  unable_to_connect: 503,
  connection_lost: 503,
  unspecified: 520, //          provider error of no known kind
  request_timeout: 500, //      "anything else" row of the contract
};

export const V3_FAILURES: Readonly<Record<PushFailureReason, RestResponse>> = Object.freeze(
  Object.fromEntries(
    Object.entries(V3_STATUS).map(([reason, status]) => [reason, jsonResponse(status, { reason })]),
  ) as Record<PushFailureReason, RestResponse>,
);

/**
 * The contract's "anything else" row: a reason outside the contract, and a dispatcher's throw
 * whose code has no REST answer in core/errors.ts (a bug), are answered with it — never 410.
 */
export const ANYTHING_ELSE_REASON: PushFailureReason = 'request_timeout';

export function v3Response(outcome: PushOutcome): RestResponse {
  if (outcome.ok) return V3_SUCCESS;
  return V3_FAILURES[outcome.reason] ?? V3_FAILURES[ANYTHING_ELSE_REASON];
}

/** Body over `rest.body_limit_bytes`: the same answer as a provider's payload_too_large. */
export const V3_BODY_TOO_LARGE = V3_FAILURES.payload_too_large;

/**
 * RFC 9110 §15.6.4: Herald sheds this request to protect itself (rest.max_pending_body_bytes,
 * rest.max_streams_per_connection); a later attempt may succeed.
 */
export const V3_OVERLOADED = jsonResponse(503, { reason: 'overloaded' });
