/**
 * What a running FCM simulator offers its users (tests, the demo, benchmarks).
 */
import type { FcmErrorCode } from './fcm-errors.js';
import type { TokenBehaviour, TransportFault } from './programs.js';
import type { FcmSimulatorStats, ReceivedMessage, RejectedMessage } from './recorder.js';
import type { ServiceAccount } from './service-account.js';

export interface FcmSimulator {
  /** https://HOST:PORT */
  readonly url: string;
  readonly port: number;
  /** The server certificate (PEM) clients must trust. */
  readonly ca: string;
  /** `url` + '/token': the token_uri of the service accounts it trusts. */
  readonly tokenUri: string;
  readonly projectId: string;
  /** A service account generated at start, already trusted. */
  readonly serviceAccount: ServiceAccount;
  readonly received: readonly ReceivedMessage[];
  readonly rejected: readonly RejectedMessage[];
  /** A snapshot of the counters. */
  readonly stats: FcmSimulatorStats;
  /** Generates a fresh service account (new RSA key pair) and trusts its key. */
  createServiceAccount(): Promise<ServiceAccount>;
  /** Resolves with the first `count` accepted messages. */
  waitForReceived(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  program(token: string, behaviour: TokenBehaviour | TransportFault | FcmErrorCode): void;
  clearPrograms(): void;
  /** Clears records, counters (except sessions opened), programs, issued tokens and the quota. */
  reset(): void;
  /** Destroys every connection; resolves once the server is closed. */
  close(): Promise<void>;
}
