/**
 * The Web Push subscription keys as Herald's inputs carry them (service "webpush"): `p256dh` and
 * `auth`, as the browser's PushSubscription.toJSON().keys gives them, beside the other fields of a
 * v2/v3 REST body or of the XEP-0357 publish-options; the subscription's endpoint is the
 * `device_id`. One pattern per key, used by the REST hand validator (rest/deep-schema.ts), its
 * contract (rest/notification-schemas.ts) and the App Server (app-server/publish-options.ts)
 * alike. A key that is well formed but no point of P-256 is refused later, by the encryption
 * (invalid_request, as a bad device token).
 */

/**
 * RFC 8291 §3.2: an uncompressed P-256 point, 65 octets starting 0x04, base64url: 87 characters,
 * the first "B" and the second one of A-P (0x04's low two bits and the next octet's top four are 0).
 * Padding ("=") is tolerated as webpush/base64url.ts tolerates it.
 */
export const P256DH_PATTERN = /^B[A-P][A-Za-z0-9_-]{85}={0,2}$/;
/** RFC 8291 §3.2: the 16-octet authentication secret, base64url: 22 characters. */
export const AUTH_PATTERN = /^[A-Za-z0-9_-]{22}={0,2}$/;

export const WEBPUSH_KEY_FIELDS = ['p256dh', 'auth'] as const;

export const WEBPUSH_KEY_FORMATS = {
  p256dh: 'a base64url uncompressed P-256 point (65 octets)',
  auth: 'a base64url 16-octet secret',
} as const;
