/**
 * Which sender of a pool takes the next notification — decided here only (as undici's pool.js
 * picks a client in one place), whether the senders are actors on the main thread
 * (http2/sender-group.ts) or sender threads (threaded/sender-threads.ts).
 */

export interface Balanced {
  /** Room for one more notification (mailbox, or the thread's share of them). */
  readonly hasRoom: boolean;
  /** Notifications it holds: waiting + in flight + retrying. */
  readonly load: number;
  /** Every connection it has waits out a reconnect backoff: it cannot send now. */
  readonly unreachable: boolean;
}

export interface PickOptions {
  /** Where ties start: a rotating start spreads ties round-robin, 0 gives them to the first sender. */
  readonly from?: number;
  /**
   * A sender reported unreachable may still take work when no reachable one has room: for
   * sender threads, whose reachability is a report up to a stats interval old. Default: never.
   */
  readonly unreachableAsLastResort?: boolean;
}

/** The least-loaded sender with room that can reach the provider, or undefined when there is none. */
export function pickSender<S extends Balanced>(senders: readonly S[], options: PickOptions = {}): S | undefined {
  const n = senders.length;
  const from = options.from ?? 0;
  let best: S | undefined;
  let fallback: S | undefined;
  for (let k = 0; k < n; k++) {
    const sender = senders[(from + k) % n]!;
    if (!sender.hasRoom) continue;
    if (sender.unreachable) {
      if (options.unreachableAsLastResort === true && (fallback === undefined || sender.load < fallback.load)) fallback = sender;
      continue;
    }
    if (best === undefined || sender.load < best.load) best = sender;
  }
  return best ?? fallback;
}
