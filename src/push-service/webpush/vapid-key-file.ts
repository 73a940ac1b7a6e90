/**
 * The configured VAPID key (`webpush.vapid_key_file`): an EC P-256 private key as PKCS#8 PEM, the
 * form `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` writes. Generated (mode
 * 0600, never overwritten) where the file does not exist, like the APNS dev key: an application
 * server makes its own VAPID key (RFC 8292 §3.2) and must keep it, since browsers subscribed with
 * its public half.
 */
import { createPrivateKey } from 'node:crypto';
import { HeraldError } from '../../core/errors.js';
import { ensureDevApnsKey } from '../apns/dev-key.js';
import { vapidKeyPair, type VapidKeyPair } from './vapid-keys.js';

/** The key pair of the PEM at `path`, generating it first if missing; HERALD_WEBPUSH_INVALID when it is no P-256 key. */
export function loadVapidKeyFile(path: string): VapidKeyPair {
  // The same file format and generation as the APNS .p8 key: an EC P-256 key, PKCS#8 PEM.
  const { privateKeyPem } = ensureDevApnsKey(path);
  const jwk = createPrivateKey(privateKeyPem).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.d === undefined || jwk.x === undefined || jwk.y === undefined) {
    throw new HeraldError('HERALD_WEBPUSH_INVALID', `webpush.vapid_key_file ${path}: not an EC P-256 private key`);
  }
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  return vapidKeyPair({ publicKey: point.toString('base64url'), privateKey: jwk.d });
}
