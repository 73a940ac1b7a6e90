/**
 * Breaking the transport instead of answering, for programs and fault modes of both simulators.
 */
import { constants, type ServerHttp2Stream } from 'node:http2';

/**
 * - `refuse-stream`: RST_STREAM REFUSED_STREAM (RFC 9113 §8.7: not processed, safe to retry).
 * - `goaway`: GOAWAY on the stream's session (APNS puts `{"reason":…}` in its debug data); the
 *   stream, above the GOAWAY's last stream id, is refused.
 * - `drop-connection`: the TCP/TLS socket is destroyed without any frame.
 * - `hang`: never answered (client timeout tests); the stream dies with its session.
 */
export type TransportFault = 'refuse-stream' | 'goaway' | 'drop-connection' | 'hang';

export const TRANSPORT_FAULTS: ReadonlySet<string> = new Set(['refuse-stream', 'goaway', 'drop-connection', 'hang']);

/** Resets `stream` with REFUSED_STREAM unless it is already gone. */
export function refuseStream(stream: ServerHttp2Stream): void {
  if (stream.destroyed || stream.closed) return;
  try {
    stream.close(constants.NGHTTP2_REFUSED_STREAM);
  } catch {
    // The session went away meanwhile: the client sees the connection end instead.
  }
}
