/**
 * The correctness check before any figure: every message sent got exactly one push, to its
 * receiver's device token; and the send-to-APNS latencies of those that did. Pure.
 */
import type { ReceivedNotification } from '../../src/simulators/apns/index.js';
import { seqOfPayload } from './load.js';

export interface DeliveryCheck {
  /** Messages with exactly one push on the right token. */
  exactlyOnce: number;
  /** Sequence numbers of messages with no push. */
  missing: number[];
  /** Pushes beyond the first for one message. */
  duplicates: number;
  /** Pushes for a message that went to another receiver's token. */
  misrouted: number;
  /** Pushes whose payload names no message of this run. */
  foreign: number;
  /** Send → APNS receipt of each message's first push, ms, ascending. */
  latenciesMs: number[];
}

export function checkDeliveries(
  received: readonly ReceivedNotification[],
  sentAt: readonly number[],
  tokenOf: (seq: number) => string,
): DeliveryCheck {
  const pushes = new Uint32Array(sentAt.length);
  const latenciesMs: number[] = [];
  let duplicates = 0;
  let misrouted = 0;
  let foreign = 0;
  for (const r of received) {
    const seq = seqOfPayload(r.payload);
    if (seq === undefined || seq >= sentAt.length) {
      foreign++;
      continue;
    }
    if (r.token.toLowerCase() !== tokenOf(seq)) {
      misrouted++;
      continue;
    }
    if (pushes[seq]! > 0) duplicates++;
    else latenciesMs.push(r.receivedAt - sentAt[seq]!);
    pushes[seq]!++;
  }
  const missing: number[] = [];
  let exactlyOnce = 0;
  pushes.forEach((n, seq) => {
    if (n === 0) missing.push(seq);
    else if (n === 1) exactlyOnce++;
  });
  latenciesMs.sort((a, b) => a - b);
  return { exactlyOnce, missing, duplicates, misrouted, foreign, latenciesMs };
}

/** Nearest-rank percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
