/**
 * Writing the FCM simulator's answers (JSON with a status) over HTTP/2 or HTTP/1.1 alike
 * (node:http2 compatibility API), and what its fault modes answer.
 */
import type { Http2ServerResponse } from 'node:http2';
import type { WireAnswer } from '../shared/exchange-detail.js';
import { fcmRejection, type FcmRejection } from './fcm-errors.js';

/** `status` with a JSON body (and Retry-After, whole seconds, when given). */
export function jsonAnswer(status: number, body: string, retryAfterSeconds?: number): WireAnswer {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return { status, headers, body };
}

/** Writes `answer`; silently gives up when the client is already gone. */
export function respondJson(res: Http2ServerResponse, answer: WireAnswer): void {
  if (res.writableEnded || res.destroyed) return;
  try {
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body ?? '');
  } catch {
    // The connection went away between the decision and the answer: nobody is left to tell.
  }
}

/** Google documents no GOAWAY payload: a reason, when given, travels as plain debug text. */
export function goawayData(reason: string | undefined): Buffer | undefined {
  return reason === undefined ? undefined : Buffer.from(reason);
}

/** The rejection a fault burst answers with (the FcmError codes of apns-fcm.md's table). */
export function burstRejection(status: 429 | 500 | 503): FcmRejection {
  if (status === 429) return fcmRejection('QUOTA_EXCEEDED', 'Quota exceeded for quota metric messages per minute.');
  if (status === 500) return fcmRejection('INTERNAL', 'Internal error encountered.');
  return fcmRejection('UNAVAILABLE', 'The service is currently unavailable.');
}
