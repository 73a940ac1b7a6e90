/**
 * The base64 of the keys a Push 2.0 `<send/>` carries. Clients differ (Snikket SDK and borogove
 * write standard base64, sometimes without padding; Web Push tooling writes base64url): both
 * alphabets are read, padded or not, whitespace ignored (a PKCS#8 key may keep its PEM line
 * breaks). Stored normalised to standard padded base64 (RFC 4648 §4).
 */

/** One alphabet throughout (RFC 4648 §4 or §5), then at most two '='. */
const ONE_ALPHABET = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/** The octets of `text`, or undefined when it is not base64 of either alphabet. */
export function decodeKeyBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !ONE_ALPHABET.test(compact)) return undefined;
  const data = compact.replace(/=+$/, '');
  // A lone last character carries 6 bits, less than an octet (RFC 4648 §4); padding, when
  // present, must complete the last quantum.
  if (data.length % 4 === 1) return undefined;
  if (data.length !== compact.length && compact.length % 4 !== 0) return undefined;
  return Buffer.from(data, 'base64');
}

export const toStandardBase64 = (bytes: Buffer): string => bytes.toString('base64');
