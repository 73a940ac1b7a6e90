/**
 * RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<public key>`, the JWT signed ES256 with
 * claims aud (the push service's origin), exp and sub (a contact). Signing costs an ECDSA
 * signature, so a token is kept per origin and reused until it nears its expiry.
 */
import { HeraldError } from '../../core/errors.js';
import { signEs256Jwt } from '../../crypto/es256-jwt.js';
import type { VapidKeyPair } from './vapid-keys.js';

/** RFC 8292 §2: "exp ... MUST NOT be more than 24 hours from the time of the request". */
export const VAPID_MAX_EXPIRY_S = 24 * 3_600;
/**
 * Lifetime given to a token: half the maximum, so a push service whose clock is up to 12 h
 * behind ours still sees an exp within its 24 h.
 */
export const VAPID_TOKEN_LIFETIME_S = 12 * 3_600;
/** A cached token this close to its exp is replaced: one arriving late, or at a service whose clock runs ahead, is not refused as expired. */
export const VAPID_RENEW_BEFORE_S = 3_600;
/**
 * Origins whose token is kept: push services are few (FCM, Mozilla, Apple, Microsoft), but endpoints
 * come from clients; past this the oldest entry goes, so the cache stays bounded.
 */
export const VAPID_MAX_CACHED_ORIGINS = 1_000;

/** RFC 8292 §2.1: the contact is a mailto: or https: URI. */
const SUBJECT = /^(mailto:\S+@\S+|https:\/\/\S+)$/;

export function isVapidSubject(subject: unknown): subject is string {
  return typeof subject === 'string' && SUBJECT.test(subject);
}

/** The Authorization header value for `audienceOrigin` (e.g. https://fcm.googleapis.com), valid until `expiry` (epoch seconds). */
export function vapidAuthorization(audienceOrigin: string, subject: string, keyPair: VapidKeyPair, expiry: number): string {
  if (!isVapidSubject(subject)) throw new HeraldError('HERALD_WEBPUSH_INVALID', 'the VAPID subject is not a mailto: or https: URI');
  const token = signEs256Jwt({ aud: audienceOrigin, exp: expiry, sub: subject }, keyPair.signingKey);
  return `vapid t=${token}, k=${keyPair.publicKey}`;
}

/** VAPID headers per push-service origin, each reused until VAPID_RENEW_BEFORE_S before its exp. */
export class VapidAuthorizations {
  private readonly byOrigin = new Map<string, { value: string; expiry: number }>();
  /** Tokens signed so far. */
  signed = 0;

  constructor(
    private readonly keyPair: VapidKeyPair,
    private readonly subject: string,
    /** Epoch ms; default Date.now. */
    private readonly clock: () => number = Date.now,
  ) {
    if (!isVapidSubject(subject)) throw new HeraldError('HERALD_WEBPUSH_INVALID', 'the VAPID subject is not a mailto: or https: URI');
  }

  for(origin: string): string {
    const now = Math.floor(this.clock() / 1_000);
    const cached = this.byOrigin.get(origin);
    if (cached !== undefined && cached.expiry - now > VAPID_RENEW_BEFORE_S) return cached.value;
    const expiry = now + VAPID_TOKEN_LIFETIME_S;
    const value = vapidAuthorization(origin, this.subject, this.keyPair, expiry);
    this.signed++;
    this.byOrigin.delete(origin); // re-inserted last: Map order is then the eviction order
    if (this.byOrigin.size >= VAPID_MAX_CACHED_ORIGINS) this.byOrigin.delete(this.byOrigin.keys().next().value!);
    this.byOrigin.set(origin, { value, expiry });
    return value;
  }
}
