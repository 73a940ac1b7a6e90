/**
 * What the APNS and FCM services share about their senders: which one takes the next
 * notification, and the totals of their stats.
 */

export interface Balanced {
  /** Mailbox room left. */
  readonly hasRoom: boolean;
  /** Waiting + in flight + retrying. */
  readonly load: number;
  /** Its connection cannot send before a reconnect backoff ends: not given new work. */
  readonly unreachable?: boolean;
}

/**
 * The least-loaded sender that has mailbox room and a connection that can send, or undefined
 * when there is none (every mailbox full, or every other connection unreachable).
 */
export function leastLoadedWithRoom<S extends Balanced>(senders: readonly S[]): S | undefined {
  let best: S | undefined;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (const sender of senders) {
    if (!sender.hasRoom || sender.unreachable === true) continue;
    const load = sender.load;
    if (load < bestLoad) {
      best = sender;
      bestLoad = load;
    }
  }
  return best;
}

export interface SenderTotals {
  inFlight: number;
  queued: number;
  outstanding: number;
}

/** Sums the per-sender stats both services report. */
export function senderTotals(senders: ReadonlyArray<{ connection: { inFlight: number }; mailboxDepth: number; outstanding: number }>): SenderTotals {
  const totals: SenderTotals = { inFlight: 0, queued: 0, outstanding: 0 };
  for (const s of senders) {
    totals.inFlight += s.connection.inFlight;
    totals.queued += s.mailboxDepth;
    totals.outstanding += s.outstanding;
  }
  return totals;
}
