/**
 * The HTTP/1.x side of the REST port: a node:http Server that never listens; TLS sockets whose
 * ALPN chose `http/1.1` or `http/1.0` (or none) are handed to it (server.ts).
 *
 * - `rest.headers_timeout_ms`: request line and headers must arrive within it (also the first
 *   request on a new connection), else 408 and close. Node enforces it in a sweep every
 *   `connectionsCheckingInterval` (`rest.connections_check_interval_ms`); the default sweep of 30 s
 *   is why slow headers were cut only after ~70 s (issue 8 finding 7).
 * - `rest.idle_timeout_ms`: a keep-alive connection with no request in progress is closed.
 * - `rest.max_header_bytes`: the parser refuses a longer head (431); header-limits.ts checks the
 *   same bound in RFC 9113 §6.5.2 terms for a head the parser accepted.
 * - Whatever the parser refuses is answered here with a JSON body, then the connection is closed
 *   (the 'clientError' event: no request object exists, so the answer is written to the socket).
 */
import http, { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RestConfig } from '../core/config/schema.js';
import { BODY_TIMEOUT, BAD_REQUEST, HEADER_FIELDS_TOO_LARGE, type RestResponse } from './rest-response.js';
import type { Refusals } from './refusals.js';
import type { HttpRequest, HttpResponse } from './write-answer.js';

export interface Http1Server {
  readonly server: http.Server;
  /** Stops the timeout sweep and closes idle keep-alive connections. */
  close(): void;
}

export function createHttp1Server(
  config: RestConfig,
  onRequest: (req: HttpRequest, res: HttpResponse) => void,
  refusals: Refusals,
  statusCounts: Map<number, number>,
): Http1Server {
  const server = http.createServer({
    headersTimeout: config.headers_timeout_ms,
    // The body has its own deadline per request (rest.body_timeout_ms, notification-exchange.ts).
    requestTimeout: 0,
    keepAliveTimeout: config.idle_timeout_ms,
    connectionsCheckingInterval: config.connections_check_interval_ms,
    maxHeaderSize: config.max_header_bytes,
    // Answered by handleRequest with a JSON body (RFC 9112 §3.2), not by Node with an empty 400.
    requireHostHeader: false,
  });
  // The byte bound (maxHeaderSize) is the bound; Node's default count cap (2000) would drop the
  // excess fields silently instead of refusing the request.
  server.maxHeadersCount = 0;
  server.on('request', onRequest);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const answer = clientErrorAnswer(error.code);
    if (answer === undefined) return void socket.destroy(); // the client reset: nobody to answer
    if (answer === HEADER_FIELDS_TOO_LARGE) refusals.requestShed('header_bytes', socket.remoteAddress);
    else refusals.connectionDropped(answer === BODY_TIMEOUT ? 'headers_timeout' : 'bad_http', socket.remoteAddress);
    // As Node's own default: answer unless a response already started on this connection.
    const current = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (socket.writable && !current?.headersSent) {
      statusCounts.set(answer.status, (statusCounts.get(answer.status) ?? 0) + 1);
      socket.end(rawAnswer(answer));
    }
    socket.destroySoon();
  });
  // A server that never listens never starts Node's connection tracking (it starts on
  // 'listening'), and without it there is no headers timeout at all: start it here.
  server.emit('listening');
  return {
    server,
    close() {
      server.close(); // stops the sweep and closes idle keep-alive connections
    },
  };
}

function clientErrorAnswer(code: string | undefined): RestResponse | undefined {
  switch (code) {
    case 'ECONNRESET':
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT': // rest.headers_timeout_ms
      return BODY_TIMEOUT;
    case 'HPE_HEADER_OVERFLOW': // rest.max_header_bytes
      return HEADER_FIELDS_TOO_LARGE;
    default: // HPE_*: not HTTP/1.x, bad chunking, Content-Length with Transfer-Encoding, …
      return BAD_REQUEST;
  }
}

function rawAnswer(answer: RestResponse): string {
  return (
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(answer.body)}\r\n` +
    'Connection: close\r\n\r\n' +
    answer.body
  );
}
