/** P-256 sizes the RFC 8291 keys are checked against. */

/** RFC 8291 §3.1: P-256 public keys travel as uncompressed points (SEC1 §2.3.3): 0x04 || X || Y. */
export const P256_POINT_BYTES = 65;
/** RFC 8291 §3.2: "An authentication secret ... MUST be 16 octets". */
export const AUTH_SECRET_BYTES = 16;
