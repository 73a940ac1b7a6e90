/**
 * The APNS and FCM push services behind one face, each against its own simulator, so that the
 * behaviours they share — backpressure, idle PINGs, transport faults — are one suite run over
 * both providers instead of two copies (cf. test/simulators/faults/fault-targets.ts). What only
 * one provider does stays in test/push-service/apns or test/push-service/fcm.
 */
import type { ApnsConfig, FcmConfig } from '../../../src/core/config/schema.js';
import type { PushNotification, PushOutcome } from '../../../src/push-service/notification.js';
import type { PushPool } from '../../../src/push-service/pools/push-pool.js';
import type { TransportFault } from '../../../src/simulators/shared/transport-faults.js';
import * as apns from '../apns/harness.js';
import * as fcm from '../fcm/harness.js';
import { APNS_ANSWERS, FCM_ANSWERS, type ProviderAnswer, type ProviderAnswers } from '../provider-answers.js';
import type { Logger } from '../../../src/core/log.js';

/** The config keys of one provider's connections that APNS and FCM share. */
export type ConnectionKeys = Partial<Pick<ApnsConfig, keyof ApnsConfig & keyof FcmConfig>>;

export interface RigOptions {
  connection?: ConnectionKeys;
  senderMailboxCapacity?: number;
  simulator?: { latencyMs?: number };
  /** Point the service's sends at this URL instead of the simulator. */
  endpoint?: string;
  /** Where the service's connections log. */
  log?: Logger;
}

/** A transport fault for the next `times` requests of a token (every one when unset). */
export type FaultProgram = TransportFault | { fault: TransportFault; times?: number };

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
  /** The provider's pool (push-pool.ts) on the simulator. */
  service: PushPool;
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

export const APNS: Provider = {
  name: 'APNS',
  async start(options = {}) {
    const { connection, ...rest } = options;
    return apns.startHarness({ ...rest, apns: { ...connection } });
  },
  deviceToken: apns.deviceToken,
  alertTo: (token) => apns.alertTo(token),
  answers: APNS_ANSWERS,
};

export const FCM: Provider = {
  name: 'FCM',
  async start(options = {}) {
    const { connection, ...rest } = options;
    return fcm.startHarness({ ...rest, fcm: { ...connection } });
  },
  deviceToken: fcm.deviceToken,
  alertTo: (token) => fcm.alertTo(token),
  answers: FCM_ANSWERS,
};

export const PROVIDERS: readonly Provider[] = [APNS, FCM];
