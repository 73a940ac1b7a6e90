/**
 * A push subscription as a browser hands it out (W3C Push API, PushSubscription.toJSON):
 * the endpoint URL and the two keys RFC 8291 encrypts to. Checked here once, so encryption
 * never meets a key of the wrong size.
 */
import { HeraldError } from '../../core/errors.js';
import { AUTH_SECRET_BYTES, P256_POINT_BYTES } from '../../crypto/p256.js';
import type { UserAgentKeys } from '../../crypto/rfc8291/encrypt.js';
import { fromBase64url } from './base64url.js';

export interface PushSubscription {
  /** The push resource URL (RFC 8030 §4); pushes are POSTed to it. */
  endpoint: string;
  keys: {
    /** The user agent's P-256 public key, uncompressed point, base64url (RFC 8291 §3.2). */
    p256dh: string;
    /** The 16-octet authentication secret, base64url (RFC 8291 §3.2). */
    auth: string;
  };
}

/** The decoded keys of `subscription`; HERALD_WEBPUSH_INVALID naming the bad one. */
export function subscriptionKeys(subscription: PushSubscription): UserAgentKeys {
  const uaPublic = fromBase64url(subscription?.keys?.p256dh);
  if (uaPublic?.length !== P256_POINT_BYTES || uaPublic[0] !== 0x04) {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', 'keys.p256dh is not a base64url uncompressed P-256 point (65 octets)');
  }
  const authSecret = fromBase64url(subscription.keys.auth);
  if (authSecret?.length !== AUTH_SECRET_BYTES) {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', 'keys.auth is not a base64url 16-octet secret');
  }
  return { uaPublic, authSecret };
}

/** The origin of the endpoint (the VAPID `aud`, RFC 8292 §2), or HERALD_WEBPUSH_INVALID when it is no https URL. */
export function endpointOrigin(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', 'endpoint is not a URL');
  }
  // RFC 8030 §8: push services MUST use TLS (https).
  if (url.protocol !== 'https:') throw new HeraldError('HERALD_WEBPUSH_INVALID', 'endpoint is not an https URL');
  return url.origin;
}
