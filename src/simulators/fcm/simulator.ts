/**
 * What a running FCM simulator offers its users (tests, the demo, benchmarks); the common part
 * is ../shared/simulator.ts.
 */
import type { Simulator } from '../shared/simulator.js';
import type { FcmErrorCode } from './fcm-errors.js';
import type { TokenBehaviour, TransportFault } from './programs.js';
import type { FcmSimulatorStats, ReceivedMessage, RejectedMessage } from './recorder.js';
import type { ServiceAccount } from './service-account.js';

export interface FcmSimulator extends Simulator<ReceivedMessage, RejectedMessage> {
  /** `url` + '/token': the token_uri of the service accounts it trusts. */
  readonly tokenUri: string;
  readonly projectId: string;
  /** A service account generated at start, already trusted. */
  readonly serviceAccount: ServiceAccount;
  /** A snapshot of the counters. */
  readonly stats: FcmSimulatorStats;
  /** Generates a fresh service account (new RSA key pair) and trusts its key. */
  createServiceAccount(): Promise<ServiceAccount>;
  program(token: string, behaviour: TokenBehaviour | TransportFault | FcmErrorCode): void;
  /** Clears records, counters (except sessions opened), programs, issued tokens and the quota; not the fault modes. */
  reset(): void;
}
