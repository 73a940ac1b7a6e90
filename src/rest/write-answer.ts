/**
 * Writing one JSON answer on HTTP/1.1 or HTTP/2 (node:http2 compatibility API), including the
 * cases where the request body will never be read and where the client is already gone.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Logger } from '../core/log.js';
import type { RestResponse } from './rest-response.js';

export type HttpRequest = IncomingMessage | Http2ServerRequest;
export type HttpResponse = ServerResponse | Http2ServerResponse;

export interface AnswerContext {
  /** The server is closing: HTTP/1.1 answers carry `Connection: close`. */
  readonly closing: boolean;
  readonly log: Logger | undefined;
  /** Answers written, by HTTP status (`herald_rest_requests_total`); not counted when absent. */
  readonly statusCounts?: Map<number, number>;
}

const JSON_TYPE = 'application/json';

/** Answers without reading the body; a connection (HTTP/1.1) or stream (HTTP/2) carrying one is closed. */
export function answerWithoutBody(
  ctx: AnswerContext,
  req: HttpRequest,
  res: HttpResponse,
  response: RestResponse,
): void {
  writeAnswer(ctx, req, res, response, mayHaveBody(req));
}

function mayHaveBody(req: HttpRequest): boolean {
  if ('stream' in req) return !req.stream.endAfterHeaders;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Writes one JSON answer unless the client is gone. `dropRest` = the request body will not be
 * read: HTTP/1.1 closes the connection after the answer, HTTP/2 resets only the stream with
 * NO_ERROR once the answer is sent (RFC 9113 §8.1: a server may answer before the request is
 * complete and then ask the client to stop sending that way).
 */
export function writeAnswer(
  ctx: AnswerContext,
  req: HttpRequest,
  res: HttpResponse,
  response: RestResponse,
  dropRest: boolean,
): void {
  // A pipelined HTTP/1.1 request whose answer must wait for earlier ones has no socket yet.
  // node:http over TLS (Node 20.20, plain TCP unaffected) stops flushing such a pipeline for
  // good when queued answers are written while its parser still runs through the pipelined
  // input and pauses the socket for backpressure: the connection then hangs with every answer
  // unsent. Written on the next turn instead, they flush in order.
  if (!('stream' in res) && res.socket === null && !res.writableEnded) {
    setImmediate(writeNow, ctx, req, res, response, dropRest);
    return;
  }
  writeNow(ctx, req, res, response, dropRest);
}

function writeNow(ctx: AnswerContext, req: HttpRequest, res: HttpResponse, response: RestResponse, dropRest: boolean): void {
  if (res.headersSent || res.writableEnded || clientGone(res)) return;
  const counts = ctx.statusCounts;
  if (counts !== undefined) counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
  const headers: OutgoingHttpHeaders = {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(response.body),
  };
  if (response.headers) Object.assign(headers, response.headers);
  // RFC 9110 §15.5.6: a 405 MUST list the allowed methods.
  if (response.status === 405 && headers.allow === undefined) headers.allow = 'POST';
  const http1 = !('stream' in res);
  // RFC 9113 §8.2.2: connection-specific headers are forbidden in HTTP/2.
  if (http1 && (dropRest || ctx.closing)) headers.connection = 'close';
  try {
    res.writeHead(response.status, headers);
    res.end(response.body);
    // Http2Stream.close(NO_ERROR) on an ending stream waits for its 'finish', and the RST_STREAM
    // goes out after the queued answer, so the client reads the whole answer first.
    if (!http1 && dropRest) res.stream.close(http2.constants.NGHTTP2_NO_ERROR);
  } catch (error) {
    // The stream or socket died between the check and the write: nobody is left to answer.
    ctx.log?.debug('rest.answer_not_written', { error });
  }
  // HTTP/1.1: stop reading a body nobody will read; the connection closes after the answer.
  // Never on HTTP/2: a paused stream stops its session reading the socket, so the session would
  // not even see its client leave and would hold the connection forever; nghttp2 discards the
  // DATA of a closed stream by itself.
  if (dropRest && http1) req.pause();
}

function clientGone(res: HttpResponse): boolean {
  return 'stream' in res ? res.stream.destroyed || res.stream.closed : res.destroyed;
}

