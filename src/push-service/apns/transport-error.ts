/**
 * A failure to get an answer: the request may not have reached Apple, so it is worth sending
 * again on a (fresh) connection, unlike a provider rejection, which is a PushOutcome value.
 */
import { HeraldError } from '../../core/errors.js';

/**
 * - `connect`: the session never connected (DNS, TCP, TLS): ends as `unable_to_connect`.
 * - `refused`: RST_STREAM REFUSED_STREAM, RFC 9113 §8.7: "not processed", always safe to retry.
 * - `goaway`: the stream id was above GOAWAY's last-stream-id, RFC 9113 §6.8: not processed.
 * - `lost`: the connection broke with the stream open: Apple may or may not have processed it.
 */
export type TransportFailureKind = 'connect' | 'refused' | 'goaway' | 'lost';

export class ApnsTransportError extends HeraldError {
  constructor(
    readonly kind: TransportFailureKind,
    detail: string,
  ) {
    super('HERALD_TRANSPORT', `${kind}: ${detail}`);
  }
}
