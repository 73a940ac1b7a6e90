/**
 * The `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header §2): read and
 * checked before the body, at the cost of one property read when it is absent.
 *
 * §2.1: "Idempotency-Key is an Item Structured Header [RFC 8941]. Its value MUST be a String", so
 * `"8e03978e-…"` (quotes, `\"` and `\\` escapes, RFC 8941 §3.3.3). Many clients (Stripe's) send the
 * bare value; Herald takes that too when it is visible ASCII without quotes or spaces. §6 (Security
 * Considerations) asks the server to fix and publish the key's format and validate it: printable
 * ASCII, at most MAX_IDEMPOTENCY_KEY_LENGTH characters, one header field (§2.1: "Clients MUST NOT
 * include more than one", and Node joins repeated fields with ", ", which neither form allows).
 */

/**
 * Characters of a key, quotes and escapes removed. A UUID (36) is the draft's example; 255 leaves
 * room for a client's prefix and is what common practice (Stripe) allows. The stored key is
 * indexed, so the bound also bounds the index.
 */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Returned for a header that is present but not a key Herald accepts. */
export const INVALID_KEY = Symbol('invalid Idempotency-Key');

/** The key, undefined without the header, INVALID_KEY when it is malformed. */
export function readIdempotencyKey(field: string | string[] | undefined): string | undefined | typeof INVALID_KEY {
  if (field === undefined) return undefined;
  if (typeof field !== 'string') return INVALID_KEY; // repeated (HTTP/2 may hand an array)
  const key = field.startsWith('"') ? sfString(field) : bareKey(field);
  return key === undefined || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH ? INVALID_KEY : key;
}

/** RFC 8941 §4.2.5: DQUOTE *( unescaped / "\" ( DQUOTE / "\" ) ) DQUOTE, unescaped = %x20-21 / %x23-5B / %x5D-7E. */
function sfString(field: string): string | undefined {
  let key = '';
  for (let i = 1; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 0x5c) {
      const next = field[++i];
      if (next !== '"' && next !== '\\') return undefined;
      key += next;
    } else if (c === 0x22) {
      return i === field.length - 1 ? key : undefined; // nothing may follow the closing quote
    } else if (c < 0x20 || c > 0x7e) {
      return undefined;
    } else {
      key += field[i];
    }
  }
  return undefined; // no closing quote
}

/** A key sent without quotes: visible ASCII (%x21-7E) but `"`, `\` and `,`. */
function bareKey(field: string): string | undefined {
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x5c || c === 0x2c) return undefined;
  }
  return field;
}
