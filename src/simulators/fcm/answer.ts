/**
 * Writing the simulator's answers (JSON with a status) or breaking the transport instead,
 * over HTTP/2 or HTTP/1.1 alike (node:http2 compatibility API).
 */
import { constants, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { TransportFault } from './programs.js';

/** Answers `status` with a JSON body; silently gives up when the client is already gone. */
export function respondJson(
  res: Http2ServerResponse,
  status: number,
  body: string,
  retryAfterSeconds?: number,
): void {
  if (res.writableEnded || res.destroyed) return;
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    res.writeHead(status, headers);
    res.end(body);
  } catch {
    // The connection went away between the decision and the answer: nobody is left to tell.
  }
}

/** Breaks the transport instead of answering; `drop` destroys the raw socket of a peer. */
export function breakTransport(
  req: Http2ServerRequest,
  fault: TransportFault,
  drop: (remoteAddress: string | undefined, remotePort: number | undefined) => boolean,
): void {
  if (fault === 'hang') return;
  const socket = req.socket;
  const isHttp2 = req.httpVersionMajor === 2;
  if (fault === 'drop-connection' || !isHttp2) {
    // HTTP/1.1 has no GOAWAY: closing the connection is the nearest thing.
    if (!drop(socket.remoteAddress, socket.remotePort) && !isHttp2) socket.destroy();
    return;
  }
  const stream = req.stream;
  const session = stream.session;
  if (stream.destroyed || session === undefined || session.destroyed) return;
  // RFC 9113 §6.8: the last stream id tells the client which streams may have been processed;
  // REFUSED_STREAM says this one was not (§8.7), so it is safe to retry elsewhere.
  session.goaway(constants.NGHTTP2_NO_ERROR, Math.max(0, (stream.id ?? 0) - 2));
  stream.close(constants.NGHTTP2_REFUSED_STREAM);
  // Graceful: streams already in flight on this connection are still answered.
  session.close();
}
