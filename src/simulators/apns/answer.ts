/**
 * Writing the APNS simulator's answers on a stream: 200, or an Apple rejection with its JSON body;
 * and the GOAWAY debug data Apple sends.
 */
import type { OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { WireAnswer } from '../shared/exchange-detail.js';
import { rejection, rejectionBody, type Rejection } from './reasons.js';

/** GOAWAY reason when none is given (Apple's reason for a server going away). */
const DEFAULT_GOAWAY_REASON = 'Shutdown';

/** APNS puts the same `{"reason": …}` JSON in GOAWAY as in error bodies (apns-fcm.md). */
export function goawayData(reason: string | undefined): Buffer {
  return Buffer.from(JSON.stringify({ reason: reason ?? DEFAULT_GOAWAY_REASON }));
}

/** The rejection a fault burst answers with. */
export function burstRejection(status: 429 | 500 | 503): Rejection {
  if (status === 429) return rejection('TooManyRequests');
  return rejection(status === 500 ? 'InternalServerError' : 'ServiceUnavailable');
}

/** 200 with an empty body (no rejection), or the rejection's status with Apple's JSON body. */
export function apnsAnswer(apnsId: string, rejected: Rejection | undefined, now: number, retryAfterSeconds?: number): WireAnswer {
  if (rejected === undefined) return { status: 200, headers: { 'apns-id': apnsId } };
  const headers: Record<string, string> = { 'apns-id': apnsId, 'content-type': 'application/json' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return { status: rejected.status, headers, body: rejectionBody(rejected, now) };
}

/** Writes `answer` on `stream`, unless the stream is already gone. */
export function respond(stream: ServerHttp2Stream, answer: WireAnswer): void {
  if (stream.destroyed || stream.closed) return;
  try {
    const headers: OutgoingHttpHeaders = { ':status': answer.status, ...answer.headers };
    if (answer.body === undefined) {
      stream.respond(headers, { endStream: true });
      return;
    }
    stream.respond(headers);
    stream.end(answer.body);
  } catch {
    // The session went away between the decision and the answer: nobody is left to tell.
  }
}
