/**
 * One request/answer exchange on an FCM stream. FCM answers every send with a JSON body
 * (`{"name": …}` or a google.rpc.Status), so the body is always read (bounded). The answer, or the
 * request timeout, becomes a PushOutcome; a stream that closes unanswered becomes a transport
 * failure, classified as for APNS (RFC 9113 §6.8 GOAWAY, §8.7 REFUSED_STREAM).
 */
import http2, { type ClientHttp2Stream, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import type { ApnsExchangeListener as ExchangeListener } from '../apns/exchange.js';
import { LOCAL_REJECTIONS } from '../apns/outcome.js';
import type { SessionSlot } from '../apns/session-slot.js';
import { ApnsTransportError as TransportError, type TransportFailureKind } from '../apns/transport-error.js';
import { fcmOutcome } from './outcome.js';

export type { ExchangeListener };

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

/** FCM's answers are well under 2 KiB; a peer streaming more is not read beyond this. */
export const MAX_ANSWER_CHARS = 8_192;

class Exchange {
  status = 0;
  body = '';
  settled = false;
  timer: NodeJS.Timeout | undefined = undefined;
  constructor(
    readonly slot: SessionSlot,
    readonly listener: ExchangeListener,
  ) {}
}

const kExchange = Symbol('fcm.exchange');
type FcmStream = ClientHttp2Stream & { [kExchange]: Exchange };

/** Watches `stream` until it closes; the result goes to `listener` exactly once. */
export function watchFcmExchange(
  stream: ClientHttp2Stream,
  slot: SessionSlot,
  listener: ExchangeListener,
  timeoutMs: number,
): void {
  const exchange = new Exchange(slot, listener);
  (stream as FcmStream)[kExchange] = exchange;
  stream.on('response', onResponse);
  stream.setEncoding('utf8');
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('close', onClose);
  stream.on('error', ignore); // classified on 'close'
  exchange.timer = setTimeout(onTimeout, timeoutMs, stream);
  exchange.timer.unref();
}

function settle(exchange: Exchange): void {
  if (exchange.settled) return;
  exchange.settled = true;
  exchange.listener.onOutcome(fcmOutcome(exchange.status, exchange.body));
}

function onResponse(this: ClientHttp2Stream, headers: IncomingHttpHeaders & IncomingHttpStatusHeader): void {
  const exchange = (this as FcmStream)[kExchange];
  exchange.status = headers[':status'] ?? 0;
  exchange.slot.owner.answered(exchange.slot);
}

function onData(this: ClientHttp2Stream, chunk: string): void {
  const exchange = (this as FcmStream)[kExchange];
  if (exchange.body.length < MAX_ANSWER_CHARS) exchange.body += chunk;
}

function onEnd(this: ClientHttp2Stream): void {
  const exchange = (this as FcmStream)[kExchange];
  if (exchange.status !== 0) settle(exchange);
}

function onClose(this: ClientHttp2Stream): void {
  const exchange = (this as FcmStream)[kExchange];
  const slot = exchange.slot;
  clearTimeout(exchange.timer);
  slot.owner.release(slot);
  if (exchange.settled) return;
  if (exchange.status !== 0) {
    settle(exchange); // the status alone still says what FCM decided
    return;
  }
  exchange.settled = true;
  const cause = slot.lastError === '' ? '' : `, ${slot.lastError}`;
  exchange.listener.onTransportFailure(
    new TransportError(failureKind(this, slot), `stream ${this.id ?? '(unsent)'} closed unanswered (RST ${this.rstCode ?? 'none'}${cause})`),
  );
}

function onTimeout(stream: ClientHttp2Stream): void {
  const exchange = (stream as FcmStream)[kExchange];
  exchange.timer = undefined;
  if (!stream.closed) stream.close(NGHTTP2_CANCEL);
  if (exchange.settled) return;
  exchange.settled = true;
  // Never resent: FCM may have delivered it.
  exchange.listener.onOutcome(LOCAL_REJECTIONS.requestTimeout);
  exchange.slot.owner.probe(exchange.slot);
}

function ignore(): void {}

function failureKind(stream: ClientHttp2Stream, slot: SessionSlot): TransportFailureKind {
  if (!slot.connected) return 'connect';
  if (stream.id !== undefined && stream.id > slot.goawayLastStreamId) return 'goaway';
  if (stream.rstCode === NGHTTP2_REFUSED_STREAM) return 'refused';
  return 'lost';
}
