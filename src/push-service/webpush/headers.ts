/**
 * The request headers of a push (RFC 8030 §5, RFC 8291 §4): TTL, Urgency, Topic and the content
 * coding. Checked here, so a bad option is refused before a connection is spent on it. Pure.
 */
import { HeraldError } from '../../core/errors.js';

/** RFC 8030 §5.3. */
export const URGENCIES = ['very-low', 'low', 'normal', 'high'] as const;
export type Urgency = (typeof URGENCIES)[number];

/**
 * RFC 8030 §5.2 sets no ceiling on TTL; services keep messages up to about four weeks (autopush
 * caps at 2 592 000 s, 30 days; FCM at 28 days) and lower larger values themselves. Beyond 30 days
 * is a mistake of the caller's.
 */
export const MAX_TTL_S = 2_592_000;
/** RFC 8030 §5.4: a topic is at most 32 characters of the base64url alphabet. */
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

export interface PushOptions {
  /** Seconds the push service keeps the message for an offline user agent (RFC 8030 §5.2; required). */
  ttl: number;
  urgency?: Urgency;
  /** A pending message with the same topic is replaced by this one (RFC 8030 §5.4). */
  topic?: string;
}

/** Headers of a push carrying `bodyLength` octets (0: a push without payload, which has no content coding). */
export function webPushHeaders(options: PushOptions, bodyLength: number): Record<string, string> {
  const { ttl, urgency, topic } = options;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_S) {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', `TTL must be whole seconds from 0 to ${MAX_TTL_S}`);
  }
  if (urgency !== undefined && !URGENCIES.includes(urgency)) {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', `Urgency must be one of ${URGENCIES.join(', ')}`);
  }
  if (topic !== undefined && !TOPIC.test(topic)) {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', 'Topic must be 1 to 32 characters of the base64url alphabet');
  }
  const headers: Record<string, string> = { ttl: String(ttl) };
  if (urgency !== undefined) headers.urgency = urgency;
  if (topic !== undefined) headers.topic = topic;
  if (bodyLength > 0) {
    // RFC 8291 §4: "aes128gcm" content coding; RFC 8188 §2: application/octet-stream body.
    headers['content-encoding'] = 'aes128gcm';
    headers['content-type'] = 'application/octet-stream';
  }
  headers['content-length'] = String(bodyLength);
  return headers;
}
