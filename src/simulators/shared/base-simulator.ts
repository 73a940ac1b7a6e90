/**
 * The part of a running simulator object that is the same for APNS and FCM: where it listens,
 * its records and fault modes, waits and closing. Each simulator extends it with its protocol.
 */
import { generateLocalhostPair, type TlsPair } from '../../core/tls.js';
import type { FaultedRequest, Recorder, RecordEvent } from './recorder.js';
import type { SimulatorFaults, SimulatorServer } from './simulator-server.js';
import type { ProgramBase, TokenPrograms } from './token-programs.js';

/** waitForReceived's default: long enough for a loaded 2-core CI machine, short enough to fail fast. */
const DEFAULT_WAIT_MS = 5_000;

/** Builds a simulator on `tls` (default: a fresh self-signed localhost pair) and starts it listening. */
export async function listening<S extends { readonly core: SimulatorServer }>(
  tls: TlsPair | undefined,
  build: (tls: TlsPair) => S,
): Promise<S> {
  const simulator = build(tls ?? (await generateLocalhostPair()));
  await simulator.core.listen();
  return simulator;
}

export abstract class BaseSimulator<
  Received extends { token: string },
  Rejected extends { token: string },
  Behaviour extends ProgramBase,
> {
  /** The server; set by the subclass's constructor (its options need the subclass's state). */
  abstract readonly core: SimulatorServer;

  constructor(
    /** The server certificate (PEM) clients must trust. */
    readonly ca: string,
    protected readonly recorder: Recorder<Received, Rejected>,
    protected readonly programs: TokenPrograms<Behaviour>,
  ) {}

  get url(): string {
    return this.core.url;
  }
  get port(): number {
    return this.core.port;
  }
  get faults(): SimulatorFaults {
    return this.core.faults;
  }
  get received(): readonly Received[] {
    return this.recorder.received;
  }
  get rejected(): readonly Rejected[] {
    return this.recorder.rejected;
  }
  get faulted(): readonly FaultedRequest[] {
    return this.recorder.faulted;
  }

  /** The id of a record in received, rejected or faulted (the control API's delivery id). */
  recordId(record: object): number | undefined {
    return this.recorder.idOf(record);
  }
  onRecord(listener: (event: RecordEvent<Received, Rejected>) => void): () => void {
    return this.recorder.subscribe(listener);
  }
  get recordListeners(): number {
    return this.recorder.listenerCount;
  }
  attempts(token: string): number {
    return this.recorder.attempts(token);
  }
  waitForReceived(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<Received[]> {
    return this.recorder.waitFor(count, timeoutMs);
  }
  clearProgram(token: string): void {
    this.programs.delete(token);
  }
  /** Clears records and counters (except sessions opened); programs and fault modes stay. */
  clearRecords(): void {
    this.recorder.reset();
  }
  clearPrograms(): void {
    this.programs.clear();
  }
  /** Clears records, counters (except sessions opened) and programs; the fault modes stay. */
  reset(): void {
    this.recorder.reset();
    this.programs.clear();
  }
  close(): Promise<void> {
    this.recorder.abandonWaits();
    return this.core.close();
  }
}
