/**
 * A push service's answer (RFC 8030 §5) as a PushOutcome. Pure.
 *
 * - 201 Created: accepted; the Location header names the message (RFC 8030 §5).
 * - 404 / 410: the subscription is gone (RFC 8030 §7.3, autopush errno 102/103): the same dead-device
 *   outcome as APNS 410 Unregistered and FCM UNREGISTERED, `unregistered`.
 * - 413: the body is too large (RFC 8030 §7.2): permanent.
 * - 400: a header or body the service refuses (RFC 8030 §5, autopush errno 110-113): permanent.
 * - 401 / 403: our VAPID credential refused (RFC 8292 §4.2): the service refuses our configuration,
 *   `internal_config`, permanent (a resend with the same key would be refused again).
 * - 429 / 5xx: transient; the sender's retry policy resends them, honouring Retry-After.
 */
import type { PushFailureReason } from '../notification.js';
import type { PushRejection } from '../http2/rejections.js';

export function webPushFailureReason(status: number): PushFailureReason {
  if (status === 404 || status === 410) return 'unregistered';
  if (status === 413) return 'payload_too_large';
  if (status === 400) return 'invalid_request';
  if (status === 401 || status === 403) return 'internal_config';
  if (status === 429) return 'too_many_requests';
  if (status >= 500) return 'service_internal';
  return 'unspecified';
}

/** The message id of a 201's Location (its last path segment); '' when there is none. */
export function messageId(location: string | undefined): string {
  if (location === undefined) return '';
  const slash = location.lastIndexOf('/');
  return slash === -1 ? location : location.slice(slash + 1);
}

/**
 * The refusal of an answer other than 201, its `providerReason` from the body when it is autopush's
 * JSON error (`{"errno": 103, "error": "Gone", ...}`, also what the simulator sends): "errno 103 Gone".
 */
export function webPushRejection(status: number, body: string): PushRejection {
  const outcome: PushRejection = { ok: false, reason: webPushFailureReason(status), status };
  const providerReason = autopushReason(body);
  if (providerReason !== undefined) outcome.providerReason = providerReason;
  return outcome;
}

function autopushReason(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { errno, error } = parsed as { errno?: unknown; error?: unknown };
  const parts = [typeof errno === 'number' ? `errno ${errno}` : '', typeof error === 'string' ? error : ''].filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.join(' ');
}
