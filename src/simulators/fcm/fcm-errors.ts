/**
 * FCM HTTP v1 error codes and the google.rpc.Status envelope they travel in
 * (reference: apns-fcm.md, "FCM HTTP v1" error table).
 */

/** `details[@type=…FcmError].errorCode` values, with the HTTP status FCM answers them with. */
export const FCM_ERROR_STATUS = {
  INVALID_ARGUMENT: 400,
  THIRD_PARTY_AUTH_ERROR: 401,
  SENDER_ID_MISMATCH: 403,
  UNREGISTERED: 404,
  QUOTA_EXCEEDED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  // The table gives no status for it; a 500 makes senders treat it as unknown and transient.
  UNSPECIFIED_ERROR: 500,
} as const;

export type FcmErrorCode = keyof typeof FCM_ERROR_STATUS;

export function isFcmErrorCode(value: unknown): value is FcmErrorCode {
  return typeof value === 'string' && Object.hasOwn(FCM_ERROR_STATUS, value);
}

/** google.rpc.Code names that go with each FCM error code in `error.status`. */
const RPC_STATUS: Record<FcmErrorCode, string> = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  THIRD_PARTY_AUTH_ERROR: 'UNAUTHENTICATED',
  SENDER_ID_MISMATCH: 'PERMISSION_DENIED',
  UNREGISTERED: 'NOT_FOUND',
  QUOTA_EXCEEDED: 'RESOURCE_EXHAUSTED',
  INTERNAL: 'INTERNAL',
  UNAVAILABLE: 'UNAVAILABLE',
  UNSPECIFIED_ERROR: 'UNKNOWN',
};

/** The `@type` that marks the FCM detail inside `error.details`. */
export const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

/** A rejection of a send: HTTP status, the FCM code (absent for a bare auth failure), a message. */
export interface FcmRejection {
  status: number;
  /** `error.status` of the envelope (google.rpc.Code name). */
  rpcStatus: string;
  /** The FcmError detail; undefined when FCM sends none (e.g. an invalid access token). */
  errorCode: FcmErrorCode | undefined;
  message: string;
}

export function fcmRejection(errorCode: FcmErrorCode, message: string, status?: number): FcmRejection {
  return { status: status ?? FCM_ERROR_STATUS[errorCode], rpcStatus: RPC_STATUS[errorCode], errorCode, message };
}

/** A 401 for a missing, unknown or expired access token: no FcmError detail, as Google answers. */
export function unauthenticated(message: string): FcmRejection {
  return { status: 401, rpcStatus: 'UNAUTHENTICATED', errorCode: undefined, message };
}

/** The google.rpc.Status JSON body of a rejection. */
export function statusBody(r: FcmRejection): string {
  const error: Record<string, unknown> = { code: r.status, message: r.message, status: r.rpcStatus };
  if (r.errorCode !== undefined) error.details = [{ '@type': FCM_ERROR_TYPE, errorCode: r.errorCode }];
  return JSON.stringify({ error });
}
