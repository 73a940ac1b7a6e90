/**
 * RFC 8291 §3.3–3.4: from the ECDH secret of the two P-256 keys and the auth secret, the
 * content-encryption key and nonce of RFC 8188's single record. Both sides (encrypt, decrypt)
 * derive the same. Written as the RFC's HMAC steps (each HKDF-Expand is one block here): a
 * third of the cost of three node:crypto hkdfSync calls, which extract again each time.
 */
import { createHmac } from 'node:crypto';

/** RFC 8291 §3.4: key_info = "WebPush: info" || 0x00 || ua_public || as_public, then HKDF's counter 0x01. */
const KEY_INFO_LABEL = Buffer.from('WebPush: info\0', 'latin1');
/** RFC 8188 §2.2: cek_info = "Content-Encoding: aes128gcm" || 0x00, and the counter 0x01. */
const CEK_INFO = Buffer.from('Content-Encoding: aes128gcm\0\x01', 'latin1');
/** RFC 8188 §2.3: nonce_info = "Content-Encoding: nonce" || 0x00, and the counter 0x01. */
const NONCE_INFO = Buffer.from('Content-Encoding: nonce\0\x01', 'latin1');
/** HKDF-Expand's first block counter (RFC 5869 §2.3). */
const FIRST_BLOCK = Buffer.from([0x01]);
/** RFC 8188 §2.2: AEAD_AES_128_GCM key, 16 octets. */
const CEK_BYTES = 16;
/** RFC 8188 §2.3: 12-octet nonce (the only record's sequence number, 0, changes nothing). */
const NONCE_BYTES = 12;

export interface RecordKeys {
  cek: Buffer;
  nonce: Buffer;
}

const hmac = (key: Buffer, ...data: Buffer[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const d of data) h.update(d);
  return h.digest();
};

export function deriveRecordKeys(ecdhSecret: Buffer, authSecret: Buffer, uaPublic: Buffer, asPublic: Buffer, salt: Buffer): RecordKeys {
  const prkKey = hmac(authSecret, ecdhSecret); //                     PRK_key = HMAC(auth_secret, ecdh_secret)
  const ikm = hmac(prkKey, KEY_INFO_LABEL, uaPublic, asPublic, FIRST_BLOCK); // IKM = HMAC(PRK_key, key_info || 0x01)
  const prk = hmac(salt, ikm); //                                     PRK = HMAC(salt, IKM)
  return {
    cek: hmac(prk, CEK_INFO).subarray(0, CEK_BYTES), //               CEK = HMAC(PRK, cek_info || 0x01)[0..15]
    nonce: hmac(prk, NONCE_INFO).subarray(0, NONCE_BYTES), //         NONCE = HMAC(PRK, nonce_info || 0x01)[0..11]
  };
}
