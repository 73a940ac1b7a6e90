/**
 * A failure to get an answer: the request may not have reached the provider, so it is worth
 * sending again on a (fresh) connection, unlike a provider rejection, which is a PushOutcome value.
 */
import { HeraldError } from '../../core/errors.js';
import type { PushRejection } from './rejections.js';
import { TRANSPORT_OUTCOMES } from './rejections.js';

/**
 * - `connect`: the session never connected (DNS, TCP, TLS): ends as `unable_to_connect`.
 * - `refused`: RST_STREAM REFUSED_STREAM, RFC 9113 §8.7: "not processed", always safe to retry.
 * - `goaway`: the stream id was above GOAWAY's last-stream-id, RFC 9113 §6.8: not processed.
 * - `unsent`: the session was unusable before the request's stream was opened: never sent.
 * - `lost`: the connection broke after the request went out unanswered: the provider may or may
 *   not have processed it, exactly as after a timeout.
 */
export type TransportFailureKind = 'connect' | 'refused' | 'goaway' | 'unsent' | 'lost';

/**
 * Failures after which the provider cannot have processed the request, so a resend delivers at
 * most once. A `lost` request may already have been delivered: like a timed-out one it is not
 * resent (a duplicate push is what users notice), it ends `connection_lost` for the caller.
 */
export const SAFE_TO_RESEND: ReadonlySet<TransportFailureKind> = new Set(['connect', 'refused', 'goaway', 'unsent']);

/**
 * Resends outside the retry budget: a GOAWAY's refused streams and never-sent requests come from
 * connection events, already paced by the reconnect backoff. REFUSED_STREAM (a server shedding
 * load) and connect failures draw on the budget.
 */
export const UNBUDGETED_RESENDS: ReadonlySet<TransportFailureKind> = new Set(['goaway', 'unsent']);

export class TransportError extends HeraldError {
  constructor(
    readonly kind: TransportFailureKind,
    detail: string,
  ) {
    super('HERALD_TRANSPORT', `${kind}: ${detail}`);
  }
}

/** What a notification ends as when its last attempt failed this way. */
export function transportOutcome(kind: TransportFailureKind): PushRejection {
  return kind === 'connect' ? TRANSPORT_OUTCOMES.unableToConnect : TRANSPORT_OUTCOMES.connectionLost;
}
