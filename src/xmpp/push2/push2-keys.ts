/**
 * The keys of the `sce+rfc8291+rfc8292` send profile, checked once when the client enables so
 * that sealing never meets a bad one: RFC 8291 §3.2 (ua-public, auth-secret) and RFC 8292 §3.2
 * (an ES256 signing key, here PKCS#8 DER as the draft asks).
 */
import { createPrivateKey, createPublicKey, ECDH, type KeyObject } from 'node:crypto';
import { AUTH_SECRET_BYTES, P256_POINT_BYTES } from '../../crypto/p256.js';
import { badRequest } from '../stanza-error.js';
import { MAX_JWT_KEY_CHARS } from './enable-limits.js';
import { decodeKeyBase64, toStandardBase64 } from './key-base64.js';

/** `<ua-public/>` as standard base64, or modify/bad-request. */
export function checkUaPublic(text: string): string {
  const point = decodeKeyBase64(text);
  if (point?.length !== P256_POINT_BYTES || point[0] !== 0x04 || !isOnP256(point)) {
    throw badRequest('<ua-public/> is not a base64 uncompressed P-256 point (65 octets, RFC 8291 §3.1)');
  }
  return toStandardBase64(point);
}

/** `<auth-secret/>` as standard base64, or modify/bad-request. */
export function checkAuthSecret(text: string): string {
  const secret = decodeKeyBase64(text);
  if (secret?.length !== AUTH_SECRET_BYTES) throw badRequest('<auth-secret/> is not base64 of 16 octets (RFC 8291 §3.2)');
  return toStandardBase64(secret);
}

/** `<jwt-key/>` (PKCS#8 DER, base64, no PEM armour) as standard base64, or modify/bad-request. */
export function checkJwtKey(text: string): string {
  const der = text.length <= MAX_JWT_KEY_CHARS ? decodeKeyBase64(text) : undefined;
  if (der === undefined || p256SigningKey(der) === undefined) {
    throw badRequest('<jwt-key/> is not a base64 PKCS#8 P-256 private key (RFC 8292 §3.2: ES256)');
  }
  return toStandardBase64(der);
}

/** The ES256 signing key of PKCS#8 DER, or undefined when it is none. */
export function p256SigningKey(der: Buffer): KeyObject | undefined {
  try {
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The uncompressed point (65 octets) of a P-256 key's public half: the `key` of a Push 2.0 `<jwt/>`. */
export function rawPublicKey(key: KeyObject): Buffer {
  const { x, y } = createPublicKey(key).export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')]);
}

function isOnP256(point: Buffer): boolean {
  try {
    ECDH.convertKey(point, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}
