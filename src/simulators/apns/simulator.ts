/**
 * What a running APNS simulator offers its users (tests, the demo, benchmarks).
 */
import type { TokenBehaviour, TransportFault } from './programs.js';
import type { ApnsSimulatorStats, ReceivedNotification, RejectedNotification } from './recorder.js';

export interface ApnsSimulator {
  /** https://HOST:PORT */
  readonly url: string;
  readonly port: number;
  /** The server certificate (PEM) clients must trust. */
  readonly ca: string;
  readonly received: readonly ReceivedNotification[];
  readonly rejected: readonly RejectedNotification[];
  /** A snapshot of the counters. */
  readonly stats: ApnsSimulatorStats;
  /** Resolves with the first `count` accepted notifications (empty records when not recording). */
  waitForReceived(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  program(token: string, behaviour: TokenBehaviour | TransportFault): void;
  clearPrograms(): void;
  setLatency(latencyMs: number, jitterMs?: number): void;
  /** Clears records, counters (except sessions opened), programs and JWT history. */
  reset(): void;
  /** Destroys every connection; resolves once the server is closed. */
  close(): Promise<void>;
}
