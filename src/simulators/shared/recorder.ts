/**
 * What a simulator saw: accepted, rejected and faulted requests (when recording), counters
 * (always), and waiters for "n requests accepted". Every request answered or refused is in one
 * of the three lists, so tests can count the attempts made for a device token.
 */
import { HeraldError } from '../../core/errors.js';
import type { ExchangeDetail } from './exchange-detail.js';
import type { TransportFault } from './transport-faults.js';

/** A request that got no HTTP answer: refused, cut off by a GOAWAY or drop, or left hanging. */
export interface FaultedRequest {
  /** The device token, '' when unknown (e.g. an FCM stream refused before its body arrived). */
  token: string;
  /** 'goaway' also covers a stream refused because it came above a GOAWAY's last stream id. */
  fault: TransportFault;
  /** Simulator clock, ms. */
  receivedAt: number;
  /** The request whole, when it was read before the fault (recording only). */
  exchange?: ExchangeDetail;
}

/** What a simulator's records are: named in messages, counted by, compared on. */
export interface RecordKind<Rejected> {
  /** For messages: the simulator's name ('APNS simulator') and what it receives ('notifications'). */
  name: string;
  noun: string;
  /** The key counted in `rejectedBy` (APNS reason, FCM error code). */
  reasonOf: (rejected: Rejected) => string;
  /** Device tokens as compared by attempts(); default as sent. */
  normalise?: (token: string) => string;
}

/** How much is kept (the simulator's resolved options). */
export interface RecordKeeping {
  /** Keep records at all (benchmarks turn it off and keep only the counters). */
  record: boolean;
  /**
   * Most records kept of each kind: a long-running simulator must not grow without bound. At the
   * limit the oldest record of that kind is dropped (a push inbox shows the newest).
   */
  recordLimit: number;
}

/** A record as it is kept, for listeners (the control API's live stream). */
export type RecordEvent<Received, Rejected> =
  | { outcome: 'accepted'; record: Received }
  | { outcome: 'rejected'; record: Rejected }
  | { outcome: 'faulted'; record: FaultedRequest };

/** The counters every simulator's `stats` has. */
export interface SimulatorCounts {
  accepted: number;
  rejected: number;
  /** Requests not answered because of a transport fault (programmed or a fault mode). */
  faults: number;
  sessionsOpened: number;
}

/**
 * The last record id given, one sequence for every recorder in the process: the control API
 * lists APNS and FCM deliveries together, newest first, pages them by id and names one by its
 * id alone, so two simulators must never give the same id.
 */
let lastRecordId = 0;

interface Waiter<Received> {
  count: number;
  resolve: (received: Received[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Recorder<Received extends { token: string }, Rejected extends { token: string }> {
  readonly received: Received[] = [];
  readonly rejected: Rejected[] = [];
  readonly faulted: FaultedRequest[] = [];
  accepted = 0;
  rejectedCount = 0;
  faults = 0;
  sessionsOpened = 0;
  rejectedBy: Record<string, number> = {};
  private waiters: Waiter<Received>[] = [];
  private readonly listeners = new Set<(event: RecordEvent<Received, Rejected>) => void>();
  /** Ids of kept records (the control API's delivery ids), in arrival order; never reused, even after reset(). */
  private readonly ids = new WeakMap<object, number>();

  private readonly normalise: (token: string) => string;

  constructor(
    private readonly kind: RecordKind<Rejected>,
    private readonly keeping: RecordKeeping,
  ) {
    this.normalise = kind.normalise ?? ((token) => token);
  }

  get recording(): boolean {
    return this.keeping.record;
  }

  /** A snapshot of the counters. */
  counts(): SimulatorCounts {
    return { accepted: this.accepted, rejected: this.rejectedCount, faults: this.faults, sessionsOpened: this.sessionsOpened };
  }

  /** `record` may be undefined when not recording (the caller saves building it). */
  accept(record: Received | undefined): void {
    this.accepted++;
    if (record !== undefined && this.keep(this.received, record)) this.tell({ outcome: 'accepted', record });
    if (this.waiters.length > 0) this.wake();
  }

  reject(record: Rejected): void {
    this.rejectedCount++;
    const reason = this.kind.reasonOf(record);
    this.rejectedBy[reason] = (this.rejectedBy[reason] ?? 0) + 1;
    if (this.keep(this.rejected, record)) this.tell({ outcome: 'rejected', record });
  }

  fault(record: FaultedRequest): void {
    this.faults++;
    if (this.keep(this.faulted, record)) this.tell({ outcome: 'faulted', record });
  }

  /**
   * Calls `listener` with each record kept from now on, in arrival order (never when not
   * recording); returns the unsubscribe function. A listener must not throw.
   */
  subscribe(listener: (event: RecordEvent<Received, Rejected>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listeners subscribed now (a closed live stream must leave none behind). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Numbers and keeps `record` in `list` when recording, dropping that list's oldest at the limit. */
  private keep<R extends object>(list: R[], record: R): boolean {
    const limit = this.keeping.recordLimit;
    if (!this.recording || limit === 0) return false;
    if (list.length >= limit) list.splice(0, list.length - limit + 1);
    list.push(this.numbered(record));
    return true;
  }

  private tell(event: RecordEvent<Received, Rejected>): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The id of a kept record: increasing in arrival order across the three lists (and every other recorder). */
  idOf(record: object): number | undefined {
    return this.ids.get(record);
  }

  private numbered<R extends object>(record: R): R {
    this.ids.set(record, ++lastRecordId);
    return record;
  }

  /** Requests recorded for `token`: accepted, rejected and faulted (within the record limit). */
  attempts(token: string): number {
    const key = this.normalise(token);
    const same = (r: { token: string }): boolean => this.normalise(r.token) === key;
    return this.received.filter(same).length + this.rejected.filter(same).length + this.faulted.filter(same).length;
  }

  /** Resolves once `count` requests were accepted (since the last reset); the records while within the record limit. */
  waitFor(count: number, timeoutMs: number): Promise<Received[]> {
    if (this.accepted >= count) return Promise.resolve(this.received.slice(0, count));
    return new Promise((resolve, reject) => {
      const waiter: Waiter<Received> = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const detail = `${this.kind.name}: ${this.accepted} of ${count} ${this.kind.noun} in ${timeoutMs} ms`;
          reject(new HeraldError('HERALD_TIMEOUT', detail));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Clears records and counters, except sessions opened. */
  reset(): void {
    this.received.length = 0;
    this.rejected.length = 0;
    this.faulted.length = 0;
    this.accepted = 0;
    this.rejectedCount = 0;
    this.faults = 0;
    this.rejectedBy = {};
  }

  /** Fails every pending wait (the simulator is closing). */
  abandonWaits(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new HeraldError('HERALD_SHUTTING_DOWN', `${this.kind.name} closed while waiting`));
    }
    this.waiters = [];
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => this.accepted >= w.count);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => this.accepted < w.count);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve(this.received.slice(0, w.count));
    }
  }
}
