/**
 * VAPID key pairs (RFC 8292 §3.2) as they are configured and handed to browsers: the P-256
 * public key as an uncompressed point and the private key as its 32-octet scalar, both base64url
 * (the form `applicationServerKey` and common tooling use).
 */
import { createECDH, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { HeraldError } from '../../core/errors.js';
import { fromBase64url, toBase64url } from './base64url.js';
import { P256_POINT_BYTES } from '../../crypto/p256.js';

/** A P-256 private scalar is 32 octets. */
const P256_SCALAR_BYTES = 32;

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url: the `k` parameter and the browser's applicationServerKey. */
  publicKey: string;
  /** The 32-octet private scalar, base64url. */
  privateKey: string;
}

/** Keys checked and ready to sign with. */
export interface VapidKeyPair {
  readonly publicKey: string;
  readonly signingKey: KeyObject;
}

export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: toBase64url(ecdh.getPublicKey()), privateKey: toBase64url(scalarOctets(ecdh.getPrivateKey())) };
}

/**
 * The private scalar as its fixed 32 octets (SEC 1 §2.3.7). node:crypto answers the shortest
 * big-endian form, one octet shorter for 1 key in 256, which the configured form must not be.
 */
export function scalarOctets(scalar: Buffer): Buffer {
  if (scalar.length >= P256_SCALAR_BYTES) return scalar;
  return Buffer.concat([Buffer.alloc(P256_SCALAR_BYTES - scalar.length), scalar]);
}

/** The key pair, checked (sizes, the private key's public half is `publicKey`); HERALD_WEBPUSH_INVALID naming the problem. */
export function vapidKeyPair(keys: VapidKeys): VapidKeyPair {
  const d = fromBase64url(keys?.privateKey);
  if (d?.length !== P256_SCALAR_BYTES) throw new HeraldError('HERALD_WEBPUSH_INVALID', 'the VAPID private key is not a base64url 32-octet P-256 scalar');
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(d);
  } catch {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', 'the VAPID private key is out of the P-256 range');
  }
  const point = ecdh.getPublicKey();
  if (typeof keys.publicKey !== 'string' || toBase64url(point) !== keys.publicKey.replace(/=+$/, '')) {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', 'the VAPID public key is not the private key\'s');
  }
  const { x, y } = coordinates(point);
  const signingKey = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x, y, d: toBase64url(d) }, format: 'jwk' });
  return { publicKey: toBase64url(point), signingKey };
}

/** The public key of a `k` parameter, or undefined when it is no P-256 point. */
export function vapidPublicKey(k: string): KeyObject | undefined {
  const point = fromBase64url(k);
  if (point?.length !== P256_POINT_BYTES || point[0] !== 0x04) return undefined;
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', ...coordinates(point) }, format: 'jwk' });
  } catch {
    return undefined; // not on the curve
  }
}

/** JWK x and y (RFC 7518 §6.2.1) of an uncompressed point. */
function coordinates(point: Buffer): { x: string; y: string } {
  return { x: toBase64url(point.subarray(1, 33)), y: toBase64url(point.subarray(33, 65)) };
}
