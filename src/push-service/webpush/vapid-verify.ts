/**
 * What a push service checks of a VAPID Authorization header (RFC 8292 §3–4), for the Web Push
 * simulator. RFC 8292 §4.2: 401 when the authentication is absent, 403 when it is invalid.
 */
import { verify } from 'node:crypto';
import { fromBase64url } from './base64url.js';
import { isVapidSubject, VAPID_MAX_EXPIRY_S } from './vapid.js';
import { vapidPublicKey } from './vapid-keys.js';

export type VapidVerdict =
  | { ok: true; publicKey: string; subject: string; expiry: number }
  | { ok: false; status: 401 | 403; problem: string };

/** RFC 8292 §3: `vapid t=…, k=…` (auth-params, in any order). */
const SCHEME = /^vapid\s+(.+)$/i;
/** JWS ES256 signatures are 64 octets (RFC 7518 §3.4). */
const ES256_SIGNATURE_BYTES = 64;

const invalid = (problem: string): VapidVerdict => ({ ok: false, status: 403, problem });

/** `origin`: the push service's own (the endpoint's); `nowS`: its clock, epoch seconds. */
export function verifyVapid(authorization: string | undefined, origin: string, nowS: number): VapidVerdict {
  if (authorization === undefined || authorization === '') return { ok: false, status: 401, problem: 'no Authorization header' };
  const params = SCHEME.exec(authorization.trim());
  if (params === null) return invalid('the Authorization scheme is not vapid');
  const { t, k } = authParams(params[1]!);
  if (t === undefined || k === undefined) return invalid('vapid needs both t and k');
  const key = vapidPublicKey(k);
  if (key === undefined) return invalid('k is not a base64url uncompressed P-256 point');

  const [header, claims, signature, extra] = t.split('.');
  if (header === undefined || claims === undefined || signature === undefined || extra !== undefined) return invalid('t is not a JWS compact serialisation');
  const alg = (json(header) as { alg?: unknown } | undefined)?.alg;
  if (alg !== 'ES256') return invalid('the JWT is not ES256');
  const raw = fromBase64url(signature);
  if (raw?.length !== ES256_SIGNATURE_BYTES) return invalid('the JWT signature is not 64 octets');
  if (!verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, raw)) {
    return invalid('the JWT signature does not verify with k');
  }
  const c = json(claims) as { aud?: unknown; exp?: unknown; sub?: unknown } | null | undefined;
  if (typeof c !== 'object' || c === null) return invalid('the JWT claims are not a JSON object');
  if (c.aud !== origin) return invalid(`aud ${JSON.stringify(c.aud)} is not this push service's origin ${origin}`);
  if (typeof c.exp !== 'number' || !Number.isInteger(c.exp)) return invalid('exp is not a NumericDate');
  if (c.exp <= nowS) return invalid('the JWT has expired');
  if (c.exp > nowS + VAPID_MAX_EXPIRY_S) return invalid('exp is more than 24 hours ahead (RFC 8292 §2)');
  if (!isVapidSubject(c.sub)) return invalid('sub is not a mailto: or https: URI');
  return { ok: true, publicKey: k.replace(/=+$/, ''), subject: c.sub, expiry: c.exp };
}

function authParams(text: string): { t?: string; k?: string } {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return { t: out.t, k: out.k };
}

function json(part: string): unknown {
  const bytes = fromBase64url(part);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
