/**
 * The APNS and FCM push services behind one face, each against its own simulator, so that the
 * behaviours they share — backpressure, idle PINGs, transport faults — are one suite run over
 * both providers instead of two copies (cf. test/simulators/faults/fault-targets.ts). What only
 * one provider does stays in test/push-service/apns or test/push-service/fcm.
 */
import type { ApnsConfig, FcmConfig } from '../../../src/core/config/schema.js';
import type { PushFailureReason, PushNotification, PushOutcome } from '../../../src/push-service/notification.js';
import type { SenderGroupStats } from '../../../src/push-service/http2/sender-group.js';
import type { TransportFault } from '../../../src/simulators/shared/transport-faults.js';
import * as apns from '../apns/harness.js';
import * as fcm from '../fcm/harness.js';

/** The config keys of one provider's connections that APNS and FCM share. */
export type ConnectionKeys = Partial<Pick<ApnsConfig, keyof ApnsConfig & keyof FcmConfig>>;

export interface RigOptions {
  connection?: ConnectionKeys;
  senderMailboxCapacity?: number;
  simulator?: { latencyMs?: number };
}

/** A transport fault for the next `times` requests of a token (every one when unset). */
export type FaultProgram = TransportFault | { fault: TransportFault; times?: number };

/** An answer of the provider the simulator can be programmed to give, and what Herald reports. */
export interface ProviderAnswer {
  /** The provider's name for it: APNS `reason`, FCM `errorCode`. */
  name: string;
  status: number;
  /** The simulator program that gives it (add `times`, `retryAfterSeconds` as needed). */
  program: object;
  /** The outcome's reason when it is the last answer. */
  outcome: PushFailureReason;
}

export interface ProviderAnswers {
  /** 429, honouring Retry-After. */
  throttled: ProviderAnswer;
  /** 5xx answers, resent; the first is a 503. */
  transient: readonly ProviderAnswer[];
  /** Answers a resend would only repeat: never resent. */
  permanent: readonly ProviderAnswer[];
}

export interface ProviderRig {
  sim: {
    readonly url: string;
    readonly received: readonly { token: string; receivedAt: number }[];
    readonly rejected: readonly { token: string }[];
    readonly stats: { accepted: number; rejected: number; faults: number };
    program(token: string, behaviour: FaultProgram | ProviderAnswer['program']): void;
    reset(): void;
    clearPrograms(): void;
    close(): Promise<void>;
  };
  service: {
    send(notification: PushNotification): Promise<PushOutcome>;
    stats(): SenderGroupStats;
    close(graceMs?: number): Promise<void>;
  };
  /** The provider's config as validated (defaults filled in). */
  config: { readonly retry_attempts: number };
  close(): Promise<void>;
}

export interface Provider {
  name: 'APNS' | 'FCM';
  start(options?: RigOptions): Promise<ProviderRig>;
  /** A distinct well-formed device token for this provider. */
  deviceToken(): string;
  alertTo(token: string): PushNotification;
  answers: ProviderAnswers;
}

const apnsAnswer = (status: number, reason: string, outcome: PushFailureReason): ProviderAnswer => ({
  name: reason,
  status,
  program: { status, reason },
  outcome,
});

const fcmAnswer = (status: number, errorCode: string, outcome: PushFailureReason): ProviderAnswer => ({
  name: errorCode,
  status,
  program: { errorCode },
  outcome,
});

export const APNS: Provider = {
  name: 'APNS',
  async start(options = {}) {
    const { connection, ...rest } = options;
    return apns.startHarness({ ...rest, apns: { ...connection } });
  },
  deviceToken: apns.deviceToken,
  alertTo: (token) => apns.alertTo(token),
  answers: {
    throttled: apnsAnswer(429, 'TooManyRequests', 'too_many_requests'),
    transient: [
      apnsAnswer(503, 'ServiceUnavailable', 'service_internal'),
      apnsAnswer(503, 'Shutdown', 'service_internal'),
      apnsAnswer(500, 'InternalServerError', 'service_internal'),
    ],
    permanent: [
      apnsAnswer(400, 'BadDeviceToken', 'invalid_request'),
      apnsAnswer(400, 'DeviceTokenNotForTopic', 'invalid_request'),
      apnsAnswer(403, 'Forbidden', 'invalid_request'),
      apnsAnswer(410, 'Unregistered', 'unregistered'),
      apnsAnswer(410, 'ExpiredToken', 'unregistered'),
      apnsAnswer(413, 'PayloadTooLarge', 'payload_too_large'),
    ],
  },
};

export const FCM: Provider = {
  name: 'FCM',
  async start(options = {}) {
    const { connection, ...rest } = options;
    return fcm.startHarness({ ...rest, fcm: { ...connection } });
  },
  deviceToken: fcm.deviceToken,
  alertTo: (token) => fcm.alertTo(token),
  answers: {
    throttled: fcmAnswer(429, 'QUOTA_EXCEEDED', 'too_many_requests'),
    transient: [fcmAnswer(503, 'UNAVAILABLE', 'service_internal'), fcmAnswer(500, 'INTERNAL', 'service_internal')],
    permanent: [
      fcmAnswer(404, 'UNREGISTERED', 'unregistered'),
      fcmAnswer(400, 'INVALID_ARGUMENT', 'invalid_request'),
      // Authentication and configuration problems are masked as service_internal (fcm/outcome.ts).
      fcmAnswer(403, 'SENDER_ID_MISMATCH', 'service_internal'),
      fcmAnswer(401, 'THIRD_PARTY_AUTH_ERROR', 'service_internal'),
    ],
  },
};

export const PROVIDERS: readonly Provider[] = [APNS, FCM];
