/**
 * Apple's rejection reasons and the HTTP status each one comes with
 * ("Handling notification responses from APNs", reference: apns-fcm.md "Reasons by status").
 */
export const APNS_REASON_STATUS = {
  BadCollapseId: 400,
  BadDeviceToken: 400,
  BadExpirationDate: 400,
  BadMessageId: 400,
  BadPriority: 400,
  BadTopic: 400,
  DeviceTokenNotForTopic: 400,
  DuplicateHeaders: 400,
  IdleTimeout: 400,
  InvalidPushType: 400,
  MissingDeviceToken: 400,
  MissingTopic: 400,
  PayloadEmpty: 400,
  TopicDisallowed: 400,
  BadCertificate: 403,
  BadCertificateEnvironment: 403,
  ExpiredProviderToken: 403,
  Forbidden: 403,
  InvalidProviderToken: 403,
  MissingProviderToken: 403,
  BadPath: 404,
  MethodNotAllowed: 405,
  ExpiredToken: 410,
  Unregistered: 410,
  PayloadTooLarge: 413,
  TooManyProviderTokenUpdates: 429,
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
  Shutdown: 503,
  /**
   * SIMULATOR-ONLY: Apple documents no reason for a body that is not a JSON dictionary. We answer
   * 400 with this name so a client bug shows up in tests; a client must treat an unknown 400 reason
   * as a permanent rejection anyway.
   */
  BadPayload: 400,
} as const;

export type ApnsReason = keyof typeof APNS_REASON_STATUS;

/** An answer other than 200: the HTTP status and the `reason` of the JSON body. */
export interface Rejection {
  status: number;
  reason: string;
  /** 410 only: when the token stopped being valid, ms since the epoch; default the request's time. */
  timestamp?: number;
}

export function rejection(reason: ApnsReason): Rejection {
  return { status: APNS_REASON_STATUS[reason], reason };
}

/** The JSON error body; 410 answers also carry the time the token stopped being valid (ms). */
export function rejectionBody(r: Rejection, now: number): string {
  return r.status === 410
    ? JSON.stringify({ reason: r.reason, timestamp: r.timestamp ?? now })
    : JSON.stringify({ reason: r.reason });
}
