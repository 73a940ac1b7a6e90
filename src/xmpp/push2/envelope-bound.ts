/**
 * How large the XEP-0420 envelope of a pushed stanza may be. The draft: "if the stanza exceeds
 * 4096 bytes it may have elements removed, body truncated; SHOULD keep at least the MAM id".
 * The sealed payload must fit the smallest route it may travel after the push service:
 * - APNS: the whole JSON payload is at most 4096 bytes, and it carries the aes128gcm body as
 *   base64 (4/3 larger) beside the `aps` dictionary and the push service's own keys; FCM's data
 *   message has the same 4096-byte limit;
 * - Web Push: a push service accepts a body of 4096 octets (RFC 8030 §7.2), less generous once
 *   base64 is not involved, so APNS/FCM bound it.
 */
import { HEADER_BYTES, TAG_BYTES } from '../../crypto/rfc8291/record-header.js';

/** APNS's payload limit (and FCM's data message's): the smallest route. */
export const SMALLEST_ROUTE_BYTES = 4_096;
/** Left on that route for the JSON around the base64 payload: `aps`, keys, the client's routing fields. */
export const ROUTE_FRAMING_BYTES = 512;
/** The aes128gcm body whose base64 fits in the rest: (4096 − 512) / 4 × 3 = 2688 octets. */
export const MAX_SEALED_BODY_BYTES = Math.floor((SMALLEST_ROUTE_BYTES - ROUTE_FRAMING_BYTES) / 4) * 3;
/** RFC 8291 §4 / RFC 8188 §2: the body is the 86-octet header, the plaintext, the delimiter (1) and the 16-octet tag. */
export const MAX_ENVELOPE_BYTES = MAX_SEALED_BODY_BYTES - HEADER_BYTES - 1 - TAG_BYTES; // 2585
/**
 * XEP-0420 §4 `<rpad/>`: random octets (as base64) that hide the stanza's exact length; up to
 * this many, and never past MAX_ENVELOPE_BYTES.
 */
export const MAX_RPAD_OCTETS = 150;
