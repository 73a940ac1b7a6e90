/** What the Web Push simulator records of each push (the recorder itself is ../shared/recorder.ts). */
import type { ExchangeDetail } from '../shared/exchange-detail.js';
import type { RecordKind, SimulatorCounts } from '../shared/recorder.js';
import type { WebPushRefusal } from './refusals.js';

export interface ReceivedPush {
  /** The subscription id (the endpoint's last path segment). */
  token: string;
  /**
   * The payload as the user agent decrypts it with the subscription's private key; empty for a
   * push without payload; undefined when it did not decrypt (`problem` says why) or under acceptAll.
   */
  plaintext: Buffer | undefined;
  /** Why the body did not decrypt: the push service accepts it all the same (only the browser can tell). */
  problem?: string;
  /** RFC 8030 §5.2, seconds, as sent. */
  ttl: number;
  /** RFC 8030 §5.3, as sent. */
  urgency?: string;
  /** RFC 8030 §5.4. */
  topic?: string;
  /** The VAPID JWT's sub (RFC 8292 §2.1). */
  vapidSubject?: string;
  /** The push message resource id answered in Location (RFC 8030 §5). */
  messageId: string;
  /** Simulator clock, ms. */
  receivedAt: number;
  /** The exchange whole (request, answer, timings); recording only. */
  exchange?: ExchangeDetail;
}

export interface RejectedPush {
  token: string;
  status: number;
  reason: WebPushRefusal;
  message: string;
  receivedAt: number;
  /** The exchange whole (request, answer, timings); recording only. */
  exchange?: ExchangeDetail;
}

export interface WebPushSimulatorStats extends SimulatorCounts {
  rejectedByReason: Record<string, number>;
  /** Accepted pushes whose body did not decrypt. */
  undecryptable: number;
  /** Subscriptions live now (created, not removed). */
  subscriptions: number;
}

export const WEBPUSH_RECORDS: RecordKind<RejectedPush> = { name: 'Web Push simulator', noun: 'pushes', reasonOf: (r) => r.reason };
