/**
 * What every running simulator offers its users (tests, the demo, benchmarks); each adds its own
 * (../apns/simulator.ts, ../fcm/simulator.ts).
 */
import type { FaultedRequest, RecordEvent } from './recorder.js';
import type { SimulatorFaults } from './simulator-server.js';

export interface Simulator<Received, Rejected> {
  /** https://HOST:PORT */
  readonly url: string;
  readonly port: number;
  /** The server certificate (PEM) clients must trust. */
  readonly ca: string;
  readonly received: readonly Received[];
  readonly rejected: readonly Rejected[];
  /** Requests refused, cut off by a GOAWAY or a drop, or left hanging, instead of answered. */
  readonly faulted: readonly FaultedRequest[];
  /** Fault modes at run time: latency, GOAWAY, drops, 5xx/429 bursts, refused streams, stream limit. */
  readonly faults: SimulatorFaults;
  /** The id of a record in received, rejected or faulted: increasing in arrival order, unique across the process's simulators (the control API's delivery id). */
  recordId(record: object): number | undefined;
  /** Calls `listener` with each record kept from now on (the control API's live stream); returns the unsubscribe function. */
  onRecord(listener: (event: RecordEvent<Received, Rejected>) => void): () => void;
  /** onRecord listeners subscribed now (a closed live stream must leave none behind). */
  readonly recordListeners: number;
  /** Requests recorded for a device token: accepted, rejected and faulted. */
  attempts(token: string): number;
  /** Resolves with the first `count` accepted requests (empty records when not recording). */
  waitForReceived(count: number, timeoutMs?: number): Promise<Received[]>;
  /** Removes one device token's program. */
  clearProgram(token: string): void;
  /** Clears records and counters (except sessions opened); programs and fault modes stay. */
  clearRecords(): void;
  clearPrograms(): void;
  /** Clears records, counters (except sessions opened) and programs; the fault modes stay. */
  reset(): void;
  /** Destroys every connection; resolves once the server is closed. */
  close(): Promise<void>;
}
