/**
 * base64url (RFC 4648 §5) as Web Push writes keys and salts: without padding. Buffer's
 * 'base64url' decoder skips characters outside the alphabet silently, so text is checked first.
 */

/** The base64url alphabet; padding ('=') is tolerated, as browsers' PushSubscription.toJSON never writes it but some stores do. */
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** The bytes of `text`, or undefined when it is not base64url. */
export function fromBase64url(text: string): Buffer | undefined {
  return typeof text === 'string' && BASE64URL.test(text) ? Buffer.from(text, 'base64url') : undefined;
}
