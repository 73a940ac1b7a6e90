/**
 * What a user agent does with an aes128gcm body (RFC 8291 §3, RFC 8188 §2): for the Web Push
 * simulator and tests, which hold the subscription's private key. A failure is a value (a push
 * service forwards what it cannot read; only the receiver finds out), never a throw.
 */
import { createDecipheriv, createECDH } from 'node:crypto';
import { deriveRecordKeys } from './key-derivation.js';
import { LAST_RECORD_DELIMITER } from './encrypt.js';
import { readHeader, TAG_BYTES } from './record-header.js';
import { P256_POINT_BYTES } from '../p256.js';

export type Decrypted = { ok: true; plaintext: Buffer } | { ok: false; problem: string };

/** `subscriberPrivateKey`: the user agent's 32-octet P-256 scalar; `authSecret`: the subscription's 16 octets. */
export function decrypt(body: Buffer, subscriberPrivateKey: Buffer, authSecret: Buffer): Decrypted {
  const read = readHeader(body);
  if (!read.ok) return read;
  const { header, record } = read;
  if (header.keyId.length !== P256_POINT_BYTES || header.keyId[0] !== 0x04) {
    return { ok: false, problem: 'key id is not an uncompressed P-256 point (RFC 8291 §4)' };
  }
  const receiver = createECDH('prime256v1');
  let ecdhSecret: Buffer;
  try {
    receiver.setPrivateKey(subscriberPrivateKey);
    ecdhSecret = receiver.computeSecret(header.keyId);
  } catch {
    return { ok: false, problem: 'key id is not a point of P-256' };
  }
  const { cek, nonce } = deriveRecordKeys(ecdhSecret, authSecret, receiver.getPublicKey(), header.keyId, header.salt);
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    padded = Buffer.concat([decipher.update(record.subarray(0, record.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return { ok: false, problem: 'the record does not authenticate (other keys, or altered)' };
  }
  return unpad(padded);
}

/** RFC 8188 §2: plaintext || delimiter || zero octets; the last record's delimiter is 2. */
function unpad(padded: Buffer): Decrypted {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0) return { ok: false, problem: 'the record has no padding delimiter' };
  if (padded[end] !== LAST_RECORD_DELIMITER) return { ok: false, problem: 'the only record is not marked as the last (delimiter 2)' };
  return { ok: true, plaintext: padded.subarray(0, end) };
}
