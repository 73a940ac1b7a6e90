/**
 * What the simulator saw: accepted and rejected notifications (when recording) and counters
 * (always), plus waiters for "n notifications accepted".
 */
import type { IncomingHttpHeaders } from 'node:http2';
import { HeraldError } from '../../core/errors.js';
import type { Rejection } from './reasons.js';

/** The apns-* request headers as sent (absent ones are left out). */
export interface ApnsRequestHeaders {
  'apns-topic'?: string;
  'apns-push-type'?: string;
  'apns-priority'?: string;
  'apns-expiration'?: string;
  'apns-id'?: string;
  'apns-collapse-id'?: string;
}

export interface ReceivedNotification {
  token: string;
  headers: ApnsRequestHeaders;
  /** The apns-id answered: the one sent, or a generated UUID. */
  apnsId: string;
  /** The parsed JSON payload (accept-all mode: the parsed body, or its text if not JSON). */
  payload: unknown;
  /** Simulator clock, ms. */
  receivedAt: number;
}

export interface RejectedNotification extends Rejection {
  /** Empty when the path named no device. */
  token: string;
  apnsId: string;
  receivedAt: number;
}

export interface ApnsSimulatorStats {
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Requests answered with a transport fault (refuse-stream, goaway, drop-connection, hang). */
  faults: number;
  sessionsOpened: number;
  /** Distinct JWT strings verified. */
  jwtsSeen: number;
}

const APNS_HEADERS = [
  'apns-topic',
  'apns-push-type',
  'apns-priority',
  'apns-expiration',
  'apns-id',
  'apns-collapse-id',
] as const;

/** The apns-* headers of a request, for its record. */
export function apnsHeaders(headers: IncomingHttpHeaders): ApnsRequestHeaders {
  const picked: ApnsRequestHeaders = {};
  for (const name of APNS_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

/** Accept-all: the body is recorded as parsed JSON when it is JSON, as text otherwise. */
export function looseBody(body: Buffer, record: boolean): { ok: true; payload: unknown } {
  if (!record) return { ok: true, payload: undefined };
  const text = body.toString('utf8');
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch {
    return { ok: true, payload: text };
  }
}

interface Waiter {
  count: number;
  resolve: (received: ReceivedNotification[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Recorder {
  readonly received: ReceivedNotification[] = [];
  readonly rejected: RejectedNotification[] = [];
  accepted = 0;
  rejectedCount = 0;
  faults = 0;
  sessionsOpened = 0;
  rejectedByReason: Record<string, number> = {};
  private waiters: Waiter[] = [];

  /** `record`: keep records at all; `limit`: most records of each kind kept (memory bound). */
  constructor(
    readonly record: boolean,
    private readonly limit: number,
  ) {}

  accept(notification: ReceivedNotification | undefined): void {
    this.accepted++;
    if (notification !== undefined && this.received.length < this.limit) this.received.push(notification);
    if (this.waiters.length > 0) this.wake();
  }

  reject(notification: RejectedNotification): void {
    this.rejectedCount++;
    this.rejectedByReason[notification.reason] = (this.rejectedByReason[notification.reason] ?? 0) + 1;
    if (this.record && this.rejected.length < this.limit) this.rejected.push(notification);
  }

  /** Resolves once `count` notifications were accepted (since the last reset). */
  waitFor(count: number, timeoutMs: number): Promise<ReceivedNotification[]> {
    if (this.accepted >= count) return Promise.resolve(this.received.slice(0, count));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new HeraldError(
              'HERALD_TIMEOUT',
              `APNS simulator: ${this.accepted} of ${count} notifications in ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  reset(): void {
    this.received.length = 0;
    this.rejected.length = 0;
    this.accepted = 0;
    this.rejectedCount = 0;
    this.faults = 0;
    this.rejectedByReason = {};
  }

  /** Fails every pending wait (the simulator is closing). */
  abandonWaits(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'APNS simulator closed while waiting'));
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
