/**
 * Writing the FCM simulator's answers (JSON with a status) over HTTP/2 or HTTP/1.1 alike
 * (node:http2 compatibility API), and what its fault modes answer.
 */
import type { Http2ServerResponse } from 'node:http2';
import { fcmRejection, type FcmRejection } from './fcm-errors.js';

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
