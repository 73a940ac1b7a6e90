/**
 * The provider answers the tests program into the simulators and expect, each with the outcome
 * Herald reports for it (src/push-service/apns/outcome.ts, src/push-service/fcm/outcome.ts): one
 * table for the retry policy's unit tests and for the suites run over both providers.
 */
import type { PushRejection } from '../../src/push-service/http2/rejections.js';

export interface ProviderAnswer {
  /** The provider's name for it: APNS `reason`, FCM `errorCode`. */
  name: string;
  status: number;
  /** The simulator program that gives it (add `times`, `retryAfterSeconds` as needed). */
  program: object;
  /** The outcome's reason when it is the last answer. */
  outcome: PushRejection['reason'];
}

export interface ProviderAnswers {
  /** 429, honouring Retry-After. */
  throttled: ProviderAnswer;
  /** 5xx answers, resent; the first is a 503. */
  transient: readonly ProviderAnswer[];
  /** Answers a resend would only repeat: never resent. */
  permanent: readonly ProviderAnswer[];
}

/** What Herald reports when `answer` is the last one. */
export function rejectionOf(answer: ProviderAnswer): PushRejection {
  return { ok: false, reason: answer.outcome, status: answer.status, providerReason: answer.name };
}

const apns = (status: number, reason: string, outcome: ProviderAnswer['outcome']): ProviderAnswer => ({
  name: reason,
  status,
  program: { status, reason },
  outcome,
});

const fcm = (status: number, errorCode: string, outcome: ProviderAnswer['outcome']): ProviderAnswer => ({
  name: errorCode,
  status,
  program: { errorCode },
  outcome,
});

export const APNS_ANSWERS: ProviderAnswers = {
  throttled: apns(429, 'TooManyRequests', 'too_many_requests'),
  transient: [
    apns(503, 'ServiceUnavailable', 'service_internal'),
    apns(503, 'Shutdown', 'service_internal'),
    apns(500, 'InternalServerError', 'service_internal'),
  ],
  permanent: [
    apns(400, 'BadDeviceToken', 'invalid_request'),
    apns(400, 'DeviceTokenNotForTopic', 'invalid_request'),
    apns(403, 'Forbidden', 'invalid_request'),
    apns(410, 'Unregistered', 'unregistered'),
    apns(410, 'ExpiredToken', 'unregistered'),
    apns(413, 'PayloadTooLarge', 'payload_too_large'),
  ],
};

export const FCM_ANSWERS: ProviderAnswers = {
  throttled: fcm(429, 'QUOTA_EXCEEDED', 'too_many_requests'),
  transient: [fcm(503, 'UNAVAILABLE', 'service_internal'), fcm(500, 'INTERNAL', 'service_internal')],
  permanent: [
    fcm(404, 'UNREGISTERED', 'unregistered'),
    fcm(400, 'INVALID_ARGUMENT', 'invalid_request'),
    // Authentication and configuration problems are masked as service_internal, as MongoosePush does.
    fcm(403, 'SENDER_ID_MISMATCH', 'service_internal'),
    fcm(401, 'THIRD_PARTY_AUTH_ERROR', 'service_internal'),
  ],
};
