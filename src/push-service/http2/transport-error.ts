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
 * - `lost`: the connection broke with the stream open: the provider may or may not have processed it.
 */
export type TransportFailureKind = 'connect' | 'refused' | 'goaway' | 'lost';

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
