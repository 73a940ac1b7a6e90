/**
 * A compact JWS (RFC 7515 §7.1) of JWT claims (RFC 7519) signed ES256 (RFC 7518 §3.4): what
 * RFC 8292 (VAPID) and the Push 2.0 `<jwt/>` both send.
 */
import { sign, type KeyObject } from 'node:crypto';

/** RFC 7515 protected header of every token (RFC 8292 §2: ES256). */
const HEADER_PART = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })).toString('base64url');

/** `privateKey`: a P-256 private key. */
export function signEs256Jwt(claims: Record<string, string | number>, privateKey: KeyObject): string {
  const signingInput = `${HEADER_PART}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  // JWS ES256 (RFC 7518 §3.4) is the raw r||s pair, not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
