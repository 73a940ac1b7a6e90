/**
 * What the simulator saw: accepted and rejected sends (when recording), counters (always),
 * and waiters for "n messages accepted".
 */
import { HeraldError } from '../../core/errors.js';

export interface ReceivedMessage {
  /** `message.token`; '' for a topic or condition target (accept-all: '' when absent). */
  token: string;
  /** The parsed `message` (accept-all: the parsed body's message, the body, or its text). */
  message: unknown;
  /** The `name` answered: projects/<id>/messages/<id>. */
  name: string;
  /** Simulator clock, ms. */
  receivedAt: number;
}

export interface RejectedMessage {
  token: string;
  status: number;
  /** The FcmError code, or the google.rpc status when no FcmError detail was sent (401). */
  code: string;
  message: string;
  receivedAt: number;
}

export interface FcmSimulatorStats {
  accepted: number;
  /** validate_only requests that passed (answered, not delivered, not in `received`). */
  validated: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  /** Requests answered with a transport fault. */
  faults: number;
  tokensIssued: number;
  /** Token requests answered invalid_grant. */
  grantsRefused: number;
  sessionsOpened: number;
}

interface Waiter {
  count: number;
  resolve: (received: ReceivedMessage[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Recorder {
  readonly received: ReceivedMessage[] = [];
  readonly rejected: RejectedMessage[] = [];
  accepted = 0;
  validated = 0;
  rejectedCount = 0;
  faults = 0;
  grantsRefused = 0;
  sessionsOpened = 0;
  rejectedByCode: Record<string, number> = {};
  private waiters: Waiter[] = [];

  /** `record`: keep records at all; `limit`: most records of each kind kept (memory bound). */
  constructor(
    private readonly record: boolean,
    private readonly limit: number,
  ) {}

  accept(message: ReceivedMessage): void {
    this.accepted++;
    if (this.record && this.received.length < this.limit) this.received.push(message);
    if (this.waiters.length > 0) this.wake();
  }

  reject(rejection: RejectedMessage): void {
    this.rejectedCount++;
    this.rejectedByCode[rejection.code] = (this.rejectedByCode[rejection.code] ?? 0) + 1;
    if (this.record && this.rejected.length < this.limit) this.rejected.push(rejection);
  }

  /** Resolves once `count` messages were accepted (since the last reset). */
  waitFor(count: number, timeoutMs: number): Promise<ReceivedMessage[]> {
    if (this.accepted >= count) return Promise.resolve(this.received.slice(0, count));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const detail = `FCM simulator: ${this.accepted} of ${count} messages in ${timeoutMs} ms`;
          reject(new HeraldError('HERALD_TIMEOUT', detail));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  reset(): void {
    this.received.length = 0;
    this.rejected.length = 0;
    this.accepted = 0;
    this.validated = 0;
    this.rejectedCount = 0;
    this.faults = 0;
    this.grantsRefused = 0;
    this.rejectedByCode = {};
  }

  /** Fails every pending wait (the simulator is closing). */
  abandonWaits(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'FCM simulator closed while waiting'));
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
