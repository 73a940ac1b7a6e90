/**
 * Verifying the JWT-bearer assertion posted to the token endpoint (RFC 7523 §3, Google's
 * service-account flow: RS256, `iss` client_email, `scope`, `aud` token URI, `iat`, `exp`).
 * Pure: the caller gives the trusted keys and the time.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The OAuth scope FCM HTTP v1 needs (reference: apns-fcm.md). */
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** RFC 7523 §2.1 grant type. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google refuses assertions valid for more than one hour: exp ≤ iat + 3600 s. */
const MAX_ASSERTION_LIFETIME_SECONDS = 3_600;

export type AssertionCheck = { ok: true; clientEmail: string } | { ok: false; description: string };

export function toPublicKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
}

/** Checks the form fields `grant_type` and `assertion` against the trusted keys at `nowSeconds`. */
export function checkGrant(
  form: URLSearchParams,
  keys: ReadonlyMap<string, KeyObject>,
  tokenUri: string,
  nowSeconds: number,
): AssertionCheck {
  const fail = (description: string): AssertionCheck => ({ ok: false, description });
  if (form.get('grant_type') !== JWT_BEARER_GRANT) return fail('Invalid grant_type');
  const parts = (form.get('assertion') ?? '').split('.');
  if (parts.length !== 3) return fail('Invalid JWT: not three dot-separated parts');
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  const claims = decodeJson(p);
  if (header === undefined || claims === undefined) return fail('Invalid JWT: header or claims not JSON');
  if (header.alg !== 'RS256') return fail('Invalid JWT: alg must be RS256');
  const iss = claims.iss;
  const key = typeof iss === 'string' ? keys.get(iss) : undefined;
  if (key === undefined) return fail('Invalid JWT: unknown iss (client_email)');
  if (!verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) {
    return fail('Invalid JWT Signature.');
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scopes.includes(FCM_SCOPE)) return fail(`Invalid JWT: scope must include ${FCM_SCOPE}`);
  if (claims.aud !== tokenUri) return fail('Invalid JWT: aud must be the token URI');
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return fail('Invalid JWT: iat and exp must be numbers');
  if (iat > nowSeconds) return fail('Invalid JWT: iat is in the future');
  if (exp > iat + MAX_ASSERTION_LIFETIME_SECONDS) return fail('Invalid JWT: exp is more than one hour after iat');
  if (exp <= nowSeconds) return fail('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
  return { ok: true, clientEmail: iss as string };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
