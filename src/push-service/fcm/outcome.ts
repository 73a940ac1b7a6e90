/**
 * An FCM HTTP v1 answer as a PushOutcome. The error body is a google.rpc.Status; the FCM code is
 * in `details[@type=type.googleapis.com/google.firebase.fcm.v1.FcmError].errorCode`, else
 * `error.status` (reference: apns-fcm.md). Codes map as MongoosePush maps them
 * (reference: mongoosepush-api.md, "Provider error → outcome"); auth failures are masked as
 * service_internal. Pure.
 */
import type { PushFailureReason, PushOutcome } from '../notification.js';
import type { PushRejection } from '../http2/rejections.js';

const FCM_ERROR_DETAIL_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

export const FCM_ERROR_OUTCOMES: ReadonlyMap<string, PushFailureReason> = new Map<string, PushFailureReason>([
  ['INVALID_ARGUMENT', 'invalid_request'],
  ['UNREGISTERED', 'unregistered'],
  ['QUOTA_EXCEEDED', 'too_many_requests'],
  // Authentication/configuration problems: masked as service_internal, as MongoosePush does.
  ['SENDER_ID_MISMATCH', 'service_internal'],
  ['THIRD_PARTY_AUTH_ERROR', 'service_internal'],
  ['APNS_AUTH_ERROR', 'service_internal'],
  ['UNAUTHENTICATED', 'service_internal'],
  ['PERMISSION_DENIED', 'service_internal'],
  ['UNAVAILABLE', 'service_internal'],
  ['INTERNAL', 'service_internal'],
  ['UNSPECIFIED_ERROR', 'unspecified'],
  // google.rpc.Code names FCM may send without an FcmError detail.
  ['NOT_FOUND', 'unregistered'],
  ['RESOURCE_EXHAUSTED', 'too_many_requests'],
]);

/** The FCM error code of a google.rpc.Status body; undefined when the body says nothing usable. */
export function fcmErrorCode(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { details, status } = error as { details?: unknown; status?: unknown };
  if (Array.isArray(details)) {
    for (const d of details as unknown[]) {
      if (typeof d !== 'object' || d === null) continue;
      const detail = d as { '@type'?: unknown; errorCode?: unknown };
      if (detail['@type'] === FCM_ERROR_DETAIL_TYPE && typeof detail.errorCode === 'string') return detail.errorCode;
    }
  }
  return typeof status === 'string' ? status : undefined;
}

/** Judged by status alone when the body names no known code. */
function outcomeForStatus(status: number): PushFailureReason {
  if (status === 400) return 'invalid_request';
  if (status === 401 || status === 403) return 'service_internal';
  if (status === 404) return 'unregistered';
  if (status === 429) return 'too_many_requests';
  if (status >= 500) return 'service_internal';
  return 'unspecified';
}

/** 200 → delivered with the message `name`; otherwise the mapped rejection. */
export function fcmOutcome(status: number, body: string): PushOutcome {
  if (status === 200) {
    let name: unknown;
    try {
      name = (JSON.parse(body) as { name?: unknown } | null)?.name;
    } catch {
      name = undefined;
    }
    return { ok: true, id: typeof name === 'string' ? name : '' };
  }
  const code = fcmErrorCode(body);
  const reason = code === undefined ? outcomeForStatus(status) : (FCM_ERROR_OUTCOMES.get(code) ?? 'unspecified');
  const outcome: PushRejection = { ok: false, reason, status };
  if (code !== undefined) outcome.providerReason = code;
  return outcome;
}
