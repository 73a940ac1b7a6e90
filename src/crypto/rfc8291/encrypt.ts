/**
 * RFC 8291 message encryption: a fresh P-256 key pair and salt per message, ECDH with the user
 * agent's public key (a subscription's p256dh, a Push 2.0 ua-public), keys per key-derivation.ts,
 * and one aes128gcm record (RFC 8188). Pure but for the random key pair and salt, which tests may
 * fix (`options`) to replay RFC 8291 §5.
 */
import { createCipheriv, createECDH, randomBytes } from 'node:crypto';
import { HeraldError } from '../../core/errors.js';
import { deriveRecordKeys } from './key-derivation.js';
import { MAX_BODY_BYTES, MAX_PLAINTEXT_BYTES, SALT_BYTES, writeHeader } from './record-header.js';

/** RFC 8188 §2: the padding delimiter of the last (here: only) record. */
export const LAST_RECORD_DELIMITER = 0x02;

export interface EncryptOptions {
  /** The 16-octet salt; default random (RFC 8291 §4: a new salt for every message). */
  salt?: Buffer;
  /** The application server's key pair as its 32-octet private scalar; default a fresh one (RFC 8291 §3.1). */
  senderPrivateKey?: Buffer;
  /** Zero octets added after the delimiter to hide the payload's length (RFC 8188 §2); default 0. */
  padding?: number;
}

/** The user agent's keys (RFC 8291 §3.2), decoded and of the right sizes. */
export interface UserAgentKeys {
  /** Uncompressed P-256 point, 65 octets. */
  uaPublic: Buffer;
  /** 16 octets. */
  authSecret: Buffer;
}

/** The aes128gcm body of `payload` for `keys` (a Web Push subscription's, or Push 2.0's `<ua-public/>` and `<auth-secret/>`). */
export function encryptToKeys(payload: Buffer | string, keys: UserAgentKeys, options: EncryptOptions = {}): Buffer {
  const plaintext = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const padding = options.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) throw new HeraldError('HERALD_WEBPUSH_INVALID', 'padding must be a whole number of octets');
  if (plaintext.length + padding > MAX_PLAINTEXT_BYTES) {
    const what = padding === 0 ? `${plaintext.length} bytes` : `${plaintext.length} bytes with ${padding} of padding`;
    throw new HeraldError('HERALD_WEBPUSH_PAYLOAD_TOO_LARGE', `${what}, over ${MAX_PLAINTEXT_BYTES} (a body of at most ${MAX_BODY_BYTES})`);
  }
  const { uaPublic, authSecret } = keys;
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  if (salt.length !== SALT_BYTES) throw new HeraldError('HERALD_WEBPUSH_INVALID', `salt must be ${SALT_BYTES} octets`);

  const sender = createECDH('prime256v1');
  if (options.senderPrivateKey === undefined) sender.generateKeys();
  else sender.setPrivateKey(options.senderPrivateKey);
  const asPublic = sender.getPublicKey();
  let ecdhSecret: Buffer;
  try {
    ecdhSecret = sender.computeSecret(uaPublic);
  } catch {
    // 65 octets starting 0x04 but not a point of the curve.
    throw new HeraldError('HERALD_WEBPUSH_INVALID', 'the user agent\'s public key (keys.p256dh, ua-public) is not a point of P-256');
  }
  const { cek, nonce } = deriveRecordKeys(ecdhSecret, authSecret, uaPublic, asPublic, salt);

  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  const delimiterAndPadding = Buffer.alloc(1 + padding);
  delimiterAndPadding[0] = LAST_RECORD_DELIMITER;
  const parts = [writeHeader(salt, asPublic), cipher.update(plaintext), cipher.update(delimiterAndPadding), cipher.final()];
  parts.push(cipher.getAuthTag());
  return Buffer.concat(parts);
}
