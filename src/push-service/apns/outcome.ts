/**
 * An APNS answer as a PushOutcome. Every reason Apple documents ("Handling notification responses
 * from APNs", table "Values for the APNs JSON reason key") is one entry with its HTTP status and
 * the MongoosePush v3 outcome it maps to (reference: mongoosepush-api.md, "Provider error →
 * outcome"). Reasons MongoosePush leaves unmapped are mapped by what they say about the request.
 */
import type { PushFailureReason, PushOutcome } from '../notification.js';
import type { PushRejection } from '../http2/rejections.js';

export { isRejection, LOCAL_REJECTIONS, type PushRejection } from '../http2/rejections.js';

export interface ApnsReasonEntry {
  /** The HTTP status Apple answers this reason with. */
  readonly status: number;
  readonly outcome: PushFailureReason;
}

export const APNS_REASONS = {
  // 400: the request is wrong.
  BadCollapseId: { status: 400, outcome: 'invalid_request' }, // client's collapse id > 64 bytes
  BadDeviceToken: { status: 400, outcome: 'invalid_request' },
  BadExpirationDate: { status: 400, outcome: 'invalid_request' }, // client's time_to_live
  BadMessageId: { status: 400, outcome: 'unspecified' }, // Herald generates apns-id: our bug
  BadPriority: { status: 400, outcome: 'internal_config' },
  BadTopic: { status: 400, outcome: 'internal_config' },
  DeviceTokenNotForTopic: { status: 400, outcome: 'invalid_request' },
  DuplicateHeaders: { status: 400, outcome: 'unspecified' }, // our bug
  IdleTimeout: { status: 400, outcome: 'service_internal' }, // Apple closed an idle connection: transient
  InvalidPushType: { status: 400, outcome: 'internal_config' },
  MissingDeviceToken: { status: 400, outcome: 'invalid_request' },
  MissingTopic: { status: 400, outcome: 'internal_config' },
  PayloadEmpty: { status: 400, outcome: 'invalid_request' },
  TopicDisallowed: { status: 400, outcome: 'invalid_request' },
  // 403: authentication; MongoosePush masks provider auth failures as service_internal (503).
  BadCertificate: { status: 403, outcome: 'service_internal' },
  BadCertificateEnvironment: { status: 403, outcome: 'service_internal' },
  ExpiredProviderToken: { status: 403, outcome: 'service_internal' },
  Forbidden: { status: 403, outcome: 'invalid_request' },
  InvalidProviderToken: { status: 403, outcome: 'service_internal' },
  MissingProviderToken: { status: 403, outcome: 'service_internal' },
  BadPath: { status: 404, outcome: 'unspecified' },
  MethodNotAllowed: { status: 405, outcome: 'unspecified' },
  // 410: the token is gone; MongooseIM disables the registration on 410 unregistered.
  ExpiredToken: { status: 410, outcome: 'unregistered' },
  Unregistered: { status: 410, outcome: 'unregistered' },
  PayloadTooLarge: { status: 413, outcome: 'payload_too_large' },
  TooManyProviderTokenUpdates: { status: 429, outcome: 'too_many_requests' },
  TooManyRequests: { status: 429, outcome: 'too_many_requests' },
  InternalServerError: { status: 500, outcome: 'service_internal' },
  ServiceUnavailable: { status: 503, outcome: 'service_internal' },
  Shutdown: { status: 503, outcome: 'service_internal' },
} as const satisfies Record<string, ApnsReasonEntry>;

export type ApnsReason = keyof typeof APNS_REASONS;

/** Own-property lookup: a reason like "constructor" must not find Object.prototype members. */
const REASONS: ReadonlyMap<string, ApnsReasonEntry> = new Map(Object.entries(APNS_REASONS));

/** An answer whose reason is missing or unknown is judged by its status alone. */
function outcomeForStatus(status: number): PushFailureReason {
  if (status === 410) return 'unregistered';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'too_many_requests';
  if (status >= 500) return 'service_internal';
  return 'unspecified';
}

/**
 * Maps an answer: 200 → delivered with its apns-id; otherwise the reason (and, on 410, the
 * `timestamp` in ms at which the token stopped being valid) from the JSON error body.
 */
export function apnsOutcome(status: number, body: string, apnsId: string): PushOutcome {
  if (status === 200) return { ok: true, id: apnsId };
  const { reason, timestamp } = parseErrorBody(body);
  const entry = reason === undefined ? undefined : REASONS.get(reason);
  const outcome: PushRejection = { ok: false, reason: entry?.outcome ?? outcomeForStatus(status), status };
  if (reason !== undefined) outcome.providerReason = reason;
  if (timestamp !== undefined) outcome.timestamp = timestamp;
  return outcome;
}

/** Apple's error body `{"reason": "...", "timestamp": ms}`; anything malformed yields nothing. */
function parseErrorBody(body: string): { reason?: string; timestamp?: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { reason, timestamp } = parsed as { reason?: unknown; timestamp?: unknown };
  const ts = typeof timestamp === 'string' ? Number(timestamp) : timestamp;
  return {
    reason: typeof reason === 'string' ? reason : undefined,
    timestamp: typeof ts === 'number' && Number.isFinite(ts) ? ts : undefined,
  };
}
