/**
 * Bounds on a Push 2.0 `<enable/>`: each becomes part of a stored registration, read on every
 * message the user receives, and the client string travels in every notification.
 */

/** `<match/>` elements: a client names one per profile it wants (mod_push2 clients send one or two). */
export const MAX_MATCHES = 8;
/** `<filter/>` per match: one per muted or mention-only chat; generous for a user in many rooms, bounded for the store. */
export const MAX_FILTERS = 500;
/** `<jwt-claim/>` per send profile: RFC 8292 needs `aud`; room for a few more. */
export const MAX_JWT_CLAIMS = 8;
/** A claim's value (an `aud` origin, an id): bounded as it is signed into every notification. */
export const MAX_JWT_CLAIM_CHARS = 512;
/** `<grace/>` seconds: a pause longer than a day after activity elsewhere would silence the device. */
export const MAX_GRACE_S = 86_400;
/** `<jwt-key/>` text: a PKCS#8 P-256 key is 138 octets (184 base64 characters); room for line breaks. */
export const MAX_JWT_KEY_CHARS = 512;
