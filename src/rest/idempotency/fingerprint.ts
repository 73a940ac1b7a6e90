/**
 * The request a key was first used for (draft-ietf-httpapi-idempotency-key-header §2.4, "checksum
 * of the entire request payload"): the API version and device token from the path, and the body
 * bytes as sent. A retry must send the same three; anything else is the key reused (422).
 */
import { createHash } from 'node:crypto';

/** SHA-256 over version, NUL, device token, NUL, body bytes; base64url (43 characters). */
export function requestFingerprint(version: string, deviceId: string, body: Buffer | undefined, length: number): string {
  const hash = createHash('sha256').update(version).update('\0').update(deviceId).update('\0');
  if (body !== undefined) hash.update(body.subarray(0, length));
  return hash.digest('base64url');
}
