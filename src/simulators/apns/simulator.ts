/**
 * What a running APNS simulator offers its users (tests, the demo, benchmarks); the common part
 * is ../shared/simulator.ts.
 */
import type { Simulator } from '../shared/simulator.js';
import type { TokenBehaviour, TransportFault } from './programs.js';
import type { ApnsSimulatorStats, ReceivedNotification, RejectedNotification } from './recorder.js';

export interface ApnsSimulator extends Simulator<ReceivedNotification, RejectedNotification> {
  /** A snapshot of the counters. */
  readonly stats: ApnsSimulatorStats;
  program(token: string, behaviour: TokenBehaviour | TransportFault): void;
  /** Shorthand for `faults.set({ latencyMs, jitterMs })`. */
  setLatency(latencyMs: number, jitterMs?: number): void;
  /** Clears records, counters (except sessions opened), programs and JWT history; not the fault modes. */
  reset(): void;
}
