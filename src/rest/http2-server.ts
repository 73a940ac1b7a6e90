/**
 * The HTTP/2 side of the REST port: a node:http2 Server that never listens; TLS sockets whose ALPN
 * chose `h2` are handed to it (server.ts).
 *
 * SETTINGS (RFC 9113 §6.5.2) sent to every client:
 * - MAX_CONCURRENT_STREAMS = `rest.max_streams_per_connection`.
 * - INITIAL_WINDOW_SIZE = `rest.body_limit_bytes` (at least 16 KiB): a stream may send one whole
 *   body before its bytes are read and charged (body-budget.ts), no more.
 * - MAX_HEADER_LIST_SIZE = HEADER_DECODE_FACTOR × `rest.max_header_bytes`. node:http2 resets a
 *   stream whose header list exceeds the value it advertised, so advertising `max_header_bytes`
 *   itself would turn every too-large head into a reset stream; with the ceiling above it, such a
 *   head reaches header-limits.ts and gets its 431 (or 414), and decoding stays bounded.
 *
 * `rest.idle_timeout_ms`: a session with no open stream for that long is closed with GOAWAY
 * (RFC 9113 §6.8: NO_ERROR, the last stream id tells the client nothing was lost). PINGs and
 * SETTINGS do not count as use. Checked in one sweep per `rest.connections_check_interval_ms`.
 */
import http2, { type Http2Session, type ServerHttp2Stream } from 'node:http2';
import { performance } from 'node:perf_hooks';
import { CONNECTION, type WithConnection } from './connection-gate.js';
import type { Logger } from '../core/log.js';
import type { Refusals } from './refusals.js';
import type { RestConfig } from '../core/config/schema.js';
import type { HttpRequest, HttpResponse } from './write-answer.js';

/** Header lists up to this many times `rest.max_header_bytes` are decoded, to be answered 431. */
const HEADER_DECODE_FACTOR = 8;
/** RFC 9113 §6.5.2: the initial window may not be below the default frame size usefully. */
const MIN_INITIAL_WINDOW = 16_384;

export interface Http2Server {
  readonly server: http2.Http2Server;
  /** Sessions open now. */
  readonly sessions: ReadonlySet<Http2Session>;
  /** Stops the idle sweep and sends GOAWAY to every session. */
  close(): void;
}

export function createHttp2Server(
  config: RestConfig,
  onRequest: (req: HttpRequest, res: HttpResponse) => void,
  refusals: Refusals,
  log: Logger | undefined,
): Http2Server {
  const headerCeiling = HEADER_DECODE_FACTOR * config.max_header_bytes;
  const server = http2.createServer({
    settings: {
      maxConcurrentStreams: config.max_streams_per_connection,
      initialWindowSize: Math.max(MIN_INITIAL_WINDOW, config.body_limit_bytes),
      maxHeaderListSize: headerCeiling,
    },
    // Fields of a list within the ceiling: each costs at least 32 octets (RFC 9113 §6.5.2).
    maxHeaderListPairs: Math.ceil(headerCeiling / 32),
  });
  server.on('request', onRequest);

  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    // The gate tagged the TLS socket; the session's socket proxy reads through to it.
    const connection = (session.socket as unknown as WithConnection)[CONNECTION]!;
    (session as unknown as WithConnection)[CONNECTION] = connection;
    connection.idleSince = performance.now();
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  // A broken peer (bad frames, flow-control abuse, floods) costs its own session only.
  server.on('sessionError', (error: Error) => log?.debug('rest.http2_session_error', { error }));
  server.on('stream', (stream: ServerHttp2Stream) => {
    const connection = (stream.session as unknown as WithConnection)[CONNECTION]!;
    connection.openStreams++;
    (stream as unknown as WithConnection)[CONNECTION] = connection;
    stream.once('close', onStreamClose);
  });

  const sweep = setInterval(() => {
    const idleBefore = performance.now() - config.idle_timeout_ms;
    for (const session of sessions) {
      const connection = (session as unknown as WithConnection)[CONNECTION]!;
      if (connection.openStreams === 0 && connection.idleSince <= idleBefore && !session.closed) {
        refusals.connectionDropped('idle', connection.remote);
        session.close();
      }
    }
  }, config.connections_check_interval_ms);
  sweep.unref();

  return {
    server,
    sessions,
    close() {
      clearInterval(sweep);
      for (const session of sessions) session.close();
    },
  };
}

function onStreamClose(this: ServerHttp2Stream): void {
  const connection = (this as unknown as WithConnection)[CONNECTION]!;
  if (--connection.openStreams === 0) connection.idleSince = performance.now();
}
