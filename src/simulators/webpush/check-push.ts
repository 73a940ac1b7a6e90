/**
 * The checks a push service makes of a push request's headers and size (RFC 8030 §5, RFC 8291
 * §4), before the body is looked at. Pure: headers in, the refusal or the parsed values out.
 */
import type { IncomingHttpHeaders } from 'node:http2';
import { MAX_BODY_BYTES } from '../../crypto/rfc8291/record-header.js';
import type { WebPushRefusal } from './refusals.js';

export interface PushHeaders {
  ttl: number;
  urgency?: string;
  topic?: string;
}

/** RFC 8030 §5.2: delta-seconds (RFC 9111 §1.2.2): digits only. */
const DELTA_SECONDS = /^\d+$/;
/** RFC 8030 §5.4: "no more than 32 characters from the URL and filename safe Base 64 alphabet". */
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function checkPush(headers: IncomingHttpHeaders, bodySize: number): { ok: true; push: PushHeaders } | { ok: false; refusal: WebPushRefusal } {
  const ttl = one(headers.ttl);
  if (ttl === undefined) return { ok: false, refusal: 'missing-ttl' };
  if (!DELTA_SECONDS.test(ttl.trim())) return { ok: false, refusal: 'invalid-ttl' };
  const topic = one(headers.topic);
  if (topic !== undefined && !TOPIC.test(topic)) return { ok: false, refusal: 'invalid-topic' };
  if (bodySize > 0) {
    const encoding = one(headers['content-encoding']);
    if (encoding === undefined) return { ok: false, refusal: 'missing-encoding' };
    if (encoding.trim().toLowerCase() !== 'aes128gcm') return { ok: false, refusal: 'unsupported-encoding' };
  }
  if (bodySize > MAX_BODY_BYTES) return { ok: false, refusal: 'too-large' };
  const push: PushHeaders = { ttl: Number(ttl.trim()) };
  const urgency = one(headers.urgency);
  if (urgency !== undefined) push.urgency = urgency; // RFC 8030 §5.3 defines no refusal: recorded as sent
  if (topic !== undefined) push.topic = topic;
  return { ok: true, push };
}
