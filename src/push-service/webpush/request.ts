/**
 * PushNotification → one Web Push request (RFC 8030 §5): the subscription from `device_id` (the
 * endpoint) and `keys`, the payload JSON encrypted to it (RFC 8291), and the TTL / Urgency / Topic
 * headers. Pure but for the encryption's fresh key pair and salt.
 *
 * The payload, what the browser's service worker reads with `event.data.json()`:
 *
 *   {"title": "alice@localhost", "body": "OH, HAI!", "badge": 1, "tag": "…", "click_action": "…",
 *    "sound": "…", "data": {…}}
 *
 * the alert's fields when there is an alert, and `data` when there is data (a silent push: `data`
 * alone). A notification with a `ready_body` (Push 2.0) is sent as it came, not encrypted again.
 */
import { HeraldError, isHeraldError } from '../../core/errors.js';
import { LOCAL_REJECTIONS, type PushRejection } from '../http2/rejections.js';
import type { PushNotification } from '../notification.js';
import { encrypt } from './encrypt.js';
import { webPushHeaders, type Urgency } from './headers.js';
import { MAX_BODY_BYTES } from '../../crypto/rfc8291/record-header.js';
import { endpointOrigin, type PushSubscription } from './subscription.js';

export interface WebPushDefaults {
  /** TTL when the notification names no time_to_live (config `webpush.default_ttl_s`). */
  ttlS: number;
}

/** A push ready for the wire, to the push service at `origin`. */
export interface WebPushRequest {
  /** The push service's origin (the connection's endpoint and the VAPID `aud`). */
  origin: string;
  /** The endpoint's path and query: the push resource. */
  path: string;
  /** TTL, Urgency, Topic, Content-Encoding, Content-Type, Content-Length. */
  headers: Record<string, string>;
  /** One aes128gcm record (RFC 8188). */
  body: Buffer;
  /** The sender's VAPID Authorization (`sender_vapid`), sent instead of Herald's. */
  authorization?: string;
}

/** The JSON the service worker receives (see the module comment). */
export function webPushPayload(n: PushNotification): string {
  const payload: Record<string, unknown> = { ...n.alert };
  if (n.data !== undefined) payload.data = n.data;
  return JSON.stringify(payload);
}

/** The subscription a notification addresses: its endpoint in `device_id`, its keys in `keys`. */
export function subscriptionOf(n: PushNotification): PushSubscription {
  return { endpoint: n.device_id, keys: { p256dh: n.keys?.p256dh ?? '', auth: n.keys?.auth ?? '' } };
}

/**
 * A body encrypted by the sender (Push 2.0): sent untouched, so its size is all there is to check
 * (RFC 8030 §7.2: 4096 octets is what every push service takes).
 */
function readyBody(base64: string): Buffer {
  const body = Buffer.from(base64, 'base64');
  if (body.length > MAX_BODY_BYTES) throw new HeraldError('HERALD_WEBPUSH_PAYLOAD_TOO_LARGE', `a ready body of ${body.length} bytes, over ${MAX_BODY_BYTES}`);
  return body;
}

/**
 * RFC 8292 §3: `vapid t=<JWT>, k=<key>` from the sender's own JWT, when it was made for this push
 * service (its `aud` is the origin); otherwise undefined and Herald's VAPID is sent. Its signature
 * is the push service's to check; a token that cannot be read is not used.
 */
function senderAuthorization(vapid: { token: string; key: string }, origin: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(vapid.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
    return claims.aud === origin ? `vapid t=${vapid.token}, k=${Buffer.from(vapid.key, 'base64').toString('base64url')}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The request, or the refusal decided without the push service: payload_too_large over one
 * record's 3993 octets, invalid_request (with the problem as providerReason) for a subscription
 * or header value that is not valid.
 */
export function prepareWebPushRequest(n: PushNotification, defaults: WebPushDefaults): WebPushRequest | PushRejection {
  try {
    const subscription = subscriptionOf(n);
    const origin = endpointOrigin(subscription.endpoint);
    const url = new URL(subscription.endpoint);
    const body = n.ready_body === undefined ? encrypt(webPushPayload(n), subscription) : readyBody(n.ready_body);
    // RFC 8030 §5.3: `priority` normal / high is the Urgency of the same name; unset, the service's default (normal).
    const urgency: Urgency | undefined = n.urgency ?? n.priority;
    const options = { ttl: n.time_to_live ?? defaults.ttlS, urgency, topic: n.topic };
    const request: WebPushRequest = { origin, path: url.pathname + url.search, headers: webPushHeaders(options, body.length), body };
    const authorization = n.sender_vapid && senderAuthorization(n.sender_vapid, origin);
    if (authorization) request.authorization = authorization;
    return request;
  } catch (error) {
    if (isHeraldError(error, 'HERALD_WEBPUSH_PAYLOAD_TOO_LARGE')) return LOCAL_REJECTIONS.payloadTooLarge;
    if (isHeraldError(error, 'HERALD_WEBPUSH_INVALID')) return { ok: false, reason: 'invalid_request', providerReason: error.message };
    if (error instanceof TypeError) return LOCAL_REJECTIONS.invalidNotification; // data JSON cannot encode (BigInt)
    throw error;
  }
}
