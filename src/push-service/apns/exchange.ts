/**
 * One request/answer exchange on an APNS stream. The listeners are shared module functions and
 * the per-request state hangs on the stream, so a request allocates one small object, not a
 * closure per event.
 *
 * An answer (or the request timeout) becomes a PushOutcome; a stream that closes unanswered
 * becomes an ApnsTransportError, classified by why it closed.
 */
import http2, { type ClientHttp2Stream, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import type { PushOutcome } from '../notification.js';
import { apnsOutcome, LOCAL_REJECTIONS } from './outcome.js';
import type { SessionSlot } from './session-slot.js';
import { ApnsTransportError, type TransportFailureKind } from './transport-error.js';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

/** Apple's error bodies are ~50 bytes; a peer streaming more is not read beyond this. */
export const MAX_ERROR_BODY_CHARS = 2_048;

/** Where one request's result goes: an answer (or timeout) as an outcome, or a transport failure. */
export interface ApnsExchangeListener {
  onOutcome(outcome: PushOutcome): void;
  onTransportFailure(error: ApnsTransportError): void;
}

/** Per-request state, hung on the stream so that the stream listeners are shared functions. */
class Exchange {
  status = 0;
  body = '';
  settled = false;
  /** Runs until the stream closes, so that even an answered stream never holds its slot forever. */
  timer: NodeJS.Timeout | undefined = undefined;
  constructor(
    readonly slot: SessionSlot,
    readonly listener: ApnsExchangeListener,
    readonly apnsId: string,
  ) {}

  settle(outcome: PushOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.listener.onOutcome(outcome);
  }

  fail(error: ApnsTransportError): void {
    if (this.settled) return;
    this.settled = true;
    this.listener.onTransportFailure(error);
  }
}

const kExchange = Symbol('apns.exchange');
type ApnsStream = ClientHttp2Stream & { [kExchange]: Exchange };

/**
 * Watches `stream` until it closes: the answer or a timeout after `timeoutMs` goes to
 * `listener` exactly once; the slot's owner is told when the stream frees its slot.
 */
export function watchExchange(
  stream: ClientHttp2Stream,
  slot: SessionSlot,
  listener: ApnsExchangeListener,
  apnsId: string,
  timeoutMs: number,
): void {
  const exchange = new Exchange(slot, listener, apnsId);
  (stream as ApnsStream)[kExchange] = exchange;
  stream.on('response', onStreamResponse);
  stream.on('close', onStreamClose);
  stream.on('error', ignoreStreamError); // classified on 'close' from rstCode and session state
  exchange.timer = setTimeout(onRequestTimeout, timeoutMs, stream);
  exchange.timer.unref(); // the session socket is ref'd while streams are in flight
}

function onStreamResponse(this: ClientHttp2Stream, headers: IncomingHttpHeaders & IncomingHttpStatusHeader): void {
  const exchange = (this as ApnsStream)[kExchange];
  const status = headers[':status'] ?? 0;
  exchange.status = status;
  exchange.slot.owner.answered(exchange.slot);
  if (status === 200) {
    const id = headers['apns-id'];
    exchange.settle({ ok: true, id: typeof id === 'string' ? id : exchange.apnsId });
    this.resume(); // Apple sends no body on success; drain so the stream can close
    return;
  }
  // Only rejections carry a body worth reading: {"reason": …, "timestamp": …}.
  this.setEncoding('utf8');
  this.on('data', onStreamData);
  this.on('end', onStreamEnd);
}

function onStreamData(this: ClientHttp2Stream, chunk: string): void {
  const exchange = (this as ApnsStream)[kExchange];
  if (exchange.body.length < MAX_ERROR_BODY_CHARS) exchange.body += chunk;
}

function onStreamEnd(this: ClientHttp2Stream): void {
  const exchange = (this as ApnsStream)[kExchange];
  exchange.settle(apnsOutcome(exchange.status, exchange.body, exchange.apnsId));
}

function onStreamClose(this: ClientHttp2Stream): void {
  const exchange = (this as ApnsStream)[kExchange];
  const slot = exchange.slot;
  clearTimeout(exchange.timer);
  slot.owner.release(slot);
  if (exchange.settled) return;
  // Answered but the body was cut short: the status alone still says what Apple decided.
  if (exchange.status !== 0) exchange.settle(apnsOutcome(exchange.status, exchange.body, exchange.apnsId));
  else exchange.fail(new ApnsTransportError(failureKind(this, slot), describeFailure(this, slot)));
}

function onRequestTimeout(stream: ClientHttp2Stream): void {
  const exchange = (stream as ApnsStream)[kExchange];
  exchange.timer = undefined;
  if (!stream.closed) stream.close(NGHTTP2_CANCEL); // frees the stream; 'close' releases the slot
  if (exchange.settled) return; // answered, but the stream never ended
  exchange.settle(LOCAL_REJECTIONS.requestTimeout);
  exchange.slot.owner.probe(exchange.slot);
}

function ignoreStreamError(): void {}

function failureKind(stream: ClientHttp2Stream, slot: SessionSlot): TransportFailureKind {
  if (!slot.connected) return 'connect';
  if (stream.id !== undefined && stream.id > slot.goawayLastStreamId) return 'goaway';
  if (stream.rstCode === NGHTTP2_REFUSED_STREAM) return 'refused';
  return 'lost';
}

function describeFailure(stream: ClientHttp2Stream, slot: SessionSlot): string {
  const cause = slot.lastError === '' ? '' : `, ${slot.lastError}`;
  return `stream ${stream.id ?? '(unsent)'} closed without an answer (RST code ${stream.rstCode ?? 'none'}${cause})`;
}
