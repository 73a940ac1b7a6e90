/**
 * One request/answer exchange on a stream. The listeners are shared module functions and the
 * per-request state hangs on the stream, so a request allocates one small object, not a closure
 * per event; the request timeouts of a connection's exchanges share one timer (deadline-list.ts).
 *
 * An answer (or the request timeout) becomes a PushOutcome through the provider's AnswerReader;
 * a stream that closes unanswered becomes a TransportError, classified by why it closed
 * (RFC 9113 §6.8 GOAWAY last-stream-id, §8.7 REFUSED_STREAM).
 */
import http2, { type ClientHttp2Stream, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import type { DeadlineEntry, DeadlineList } from '../deadline-list.js';
import type { PushOutcome } from '../notification.js';
import type { AnswerReader } from './answer-reader.js';
import { LOCAL_REJECTIONS } from './rejections.js';
import type { SessionSlot } from './session-slot.js';
import { TransportError, type TransportFailureKind } from './transport-error.js';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

/** Where one request's result goes: an answer (or timeout) as an outcome, or a transport failure. */
export interface ExchangeListener {
  /** `retryAfter`: the answer's Retry-After header (RFC 9110 §10.2.3), when a rejection carried one. */
  onOutcome(outcome: PushOutcome, retryAfter?: string): void;
  onTransportFailure(error: TransportError): void;
}

/**
 * Per-request state, hung on the stream so that the stream listeners are shared functions. Its
 * request timeout runs until the stream closes, so that even an answered stream never holds its
 * slot forever.
 */
export class Exchange implements DeadlineEntry {
  status = 0;
  body = '';
  retryAfter: string | undefined = undefined;
  settled = false;
  deadlineAt = Number.NaN;
  previousDeadline: DeadlineEntry | undefined = undefined;
  nextDeadline: DeadlineEntry | undefined = undefined;
  constructor(
    readonly stream: ClientHttp2Stream,
    readonly deadlines: DeadlineList<Exchange>,
    readonly slot: SessionSlot,
    readonly listener: ExchangeListener,
    readonly reader: AnswerReader,
    readonly requestId: string,
  ) {}

  settle(outcome: PushOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.listener.onOutcome(outcome, this.retryAfter);
  }

  fail(error: TransportError): void {
    if (this.settled) return;
    this.settled = true;
    this.listener.onTransportFailure(error);
  }
}

const kExchange = Symbol('http2.exchange');
type WatchedStream = ClientHttp2Stream & { [kExchange]: Exchange };

/**
 * Watches `stream` until it closes: the answer, or a timeout when its entry in `deadlines`
 * expires, goes to `listener` exactly once; the slot's owner is told when the stream frees its
 * slot. `deadlines` calls `expireExchange` (and need not keep the process alive: the session
 * socket is ref'd while streams are in flight).
 */
export function watchExchange(
  stream: ClientHttp2Stream,
  slot: SessionSlot,
  listener: ExchangeListener,
  reader: AnswerReader,
  requestId: string,
  deadlines: DeadlineList<Exchange>,
): void {
  const exchange = new Exchange(stream, deadlines, slot, listener, reader, requestId);
  (stream as WatchedStream)[kExchange] = exchange;
  stream.on('response', onStreamResponse);
  stream.on('close', onStreamClose);
  stream.on('error', ignoreStreamError); // classified on 'close' from rstCode and session state
  deadlines.add(exchange);
}

function onStreamResponse(this: ClientHttp2Stream, headers: IncomingHttpHeaders & IncomingHttpStatusHeader): void {
  const exchange = (this as WatchedStream)[kExchange];
  const status = headers[':status'] ?? 0;
  exchange.status = status;
  exchange.slot.owner.answered(exchange.slot);
  const decided = exchange.reader.onHeaders(status, headers, exchange.requestId);
  if (decided !== undefined) {
    exchange.settle(decided);
    this.resume(); // drain whatever body there is so the stream can close
    return;
  }
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string') exchange.retryAfter = retryAfter;
  this.setEncoding('utf8');
  this.on('data', onStreamData);
  this.on('end', onStreamEnd);
}

function onStreamData(this: ClientHttp2Stream, chunk: string): void {
  const exchange = (this as WatchedStream)[kExchange];
  if (exchange.body.length < exchange.reader.maxBodyChars) exchange.body += chunk;
}

function onStreamEnd(this: ClientHttp2Stream): void {
  const exchange = (this as WatchedStream)[kExchange];
  exchange.settle(exchange.reader.onBody(exchange.status, exchange.body, exchange.requestId));
}

function onStreamClose(this: ClientHttp2Stream): void {
  const exchange = (this as WatchedStream)[kExchange];
  const slot = exchange.slot;
  exchange.deadlines.remove(exchange);
  slot.owner.release(slot);
  if (exchange.settled) return;
  // Answered but the body was cut short: the status alone still says what the provider decided.
  if (exchange.status !== 0) exchange.settle(exchange.reader.onBody(exchange.status, exchange.body, exchange.requestId));
  else exchange.fail(new TransportError(failureKind(this, slot), describeFailure(this, slot)));
}

/** The request timeout of `exchange` (the DeadlineList's expiry callback). */
export function expireExchange(exchange: Exchange): void {
  const stream = exchange.stream;
  if (!stream.closed) stream.close(NGHTTP2_CANCEL); // frees the stream; 'close' releases the slot
  if (exchange.settled) return; // answered, but the stream never ended
  exchange.retryAfter = undefined;
  exchange.settle(LOCAL_REJECTIONS.requestTimeout);
  exchange.slot.owner.probe(exchange.slot);
}

function ignoreStreamError(): void {}

function failureKind(stream: ClientHttp2Stream, slot: SessionSlot): TransportFailureKind {
  if (!slot.connected) return 'connect';
  // No stream id yet: HEADERS never went out (Node assigns the id when it sends them).
  if (stream.id === undefined) return 'unsent';
  if (stream.id > slot.goawayLastStreamId) return 'goaway';
  if (stream.rstCode === NGHTTP2_REFUSED_STREAM) return 'refused';
  return 'lost';
}

function describeFailure(stream: ClientHttp2Stream, slot: SessionSlot): string {
  const cause = slot.lastError === '' ? '' : `, ${slot.lastError}`;
  return `stream ${stream.id ?? '(unsent)'} closed without an answer (RST code ${stream.rstCode ?? 'none'}${cause})`;
}
