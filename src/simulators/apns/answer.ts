/**
 * Writing the simulator's answers on a stream: 200, an Apple rejection, or a transport fault.
 */
import { constants, type Http2Session, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { TransportFault } from './programs.js';
import { rejectionBody, type Rejection } from './reasons.js';

/** GOAWAY reason when a program names none (Apple's reason for a server going away). */
export const DEFAULT_GOAWAY_REASON = 'Shutdown';

/** Answers 200 with an empty body (no rejection) or the rejection's status with Apple's JSON body. */
export function respond(
  stream: ServerHttp2Stream,
  apnsId: string,
  rejection: Rejection | undefined,
  now: number,
  retryAfterSeconds?: number,
): void {
  if (stream.destroyed || stream.closed) return;
  try {
    if (rejection === undefined) {
      stream.respond({ ':status': 200, 'apns-id': apnsId }, { endStream: true });
      return;
    }
    const headers: OutgoingHttpHeaders = {
      ':status': rejection.status,
      'apns-id': apnsId,
      'content-type': 'application/json',
    };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    stream.respond(headers);
    stream.end(rejectionBody(rejection, now));
  } catch {
    // The session went away between the decision and the answer: nobody is left to tell.
  }
}

/** Breaks the transport instead of answering; `drop` destroys the connection under a session. */
export function breakTransport(
  stream: ServerHttp2Stream,
  fault: TransportFault,
  goawayReason: string | undefined,
  drop: (session: Http2Session) => void,
): void {
  const session = stream.session;
  if (fault === 'hang' || stream.destroyed || session === undefined || session.destroyed) return;
  if (fault === 'refuse-stream') return stream.close(constants.NGHTTP2_REFUSED_STREAM);
  if (fault === 'drop-connection') return drop(session);
  const opaque = Buffer.from(JSON.stringify({ reason: goawayReason ?? DEFAULT_GOAWAY_REASON }));
  // Node turns a last-stream-id of 0 into the last processed stream, so stream 1 cannot be
  // excluded by id alone; REFUSED_STREAM says "not processed" by itself (RFC 9113 §8.7).
  session.goaway(constants.NGHTTP2_NO_ERROR, Math.max(0, (stream.id ?? 0) - 2), opaque);
  stream.close(constants.NGHTTP2_REFUSED_STREAM);
  // Graceful: streams already in flight on this connection are still answered.
  session.close();
}
