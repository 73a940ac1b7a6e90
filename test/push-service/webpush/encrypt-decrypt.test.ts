import assert from 'node:assert/strict';
import { createCipheriv, createECDH, randomBytes, type ECDH } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isHeraldError } from '../../../src/core/errors.js';
import { decrypt } from '../../../src/crypto/rfc8291/decrypt.js';
import { encrypt } from '../../../src/push-service/webpush/encrypt.js';
import { deriveRecordKeys } from '../../../src/crypto/rfc8291/key-derivation.js';
import { MAX_BODY_BYTES, MAX_PLAINTEXT_BYTES, writeHeader } from '../../../src/crypto/rfc8291/record-header.js';
import type { PushSubscription } from '../../../src/push-service/webpush/subscription.js';

/** A browser's side of a subscription: the keys it hands out and the private key it keeps. */
function userAgent(): { subscription: PushSubscription; privateKey: Buffer; auth: Buffer; ua: ECDH } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const keys = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') };
  return { subscription: { endpoint: 'https://push.example.net/push/1', keys }, privateKey: ecdh.getPrivateKey(), auth, ua: ecdh };
}

const ua = userAgent();
const refusedWith = (code: string) => (e: unknown) => isHeraldError(e) && e.code === code;

describe('Web Push encryption (RFC 8291, aes128gcm)', () => {
  it('any payload of 0 to 3993 bytes decrypts to itself with the subscription private key, in one body of at most 4096 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: MAX_PLAINTEXT_BYTES }), (bytes) => {
        const payload = Buffer.from(bytes);
        const body = encrypt(payload, ua.subscription);
        assert.ok(body.length <= MAX_BODY_BYTES);
        assert.deepEqual(decrypt(body, ua.privateKey, ua.auth), { ok: true, plaintext: payload });
      }),
      { numRuns: 150 },
    );
  });

  it('the largest payload, 3993 bytes, makes a body of exactly 4096', () => {
    const payload = randomBytes(MAX_PLAINTEXT_BYTES);
    const body = encrypt(payload, ua.subscription);
    assert.equal(body.length, MAX_BODY_BYTES);
    assert.deepEqual(decrypt(body, ua.privateKey, ua.auth), { ok: true, plaintext: payload });
  });

  it('a 3994-byte payload is refused with HERALD_WEBPUSH_PAYLOAD_TOO_LARGE', () => {
    assert.throws(() => encrypt(randomBytes(MAX_PLAINTEXT_BYTES + 1), ua.subscription), refusedWith('HERALD_WEBPUSH_PAYLOAD_TOO_LARGE'));
  });

  it('padding hides the length, counts against the limit, and is removed on decryption', () => {
    const body = encrypt('hi', ua.subscription, { padding: 100 });
    assert.equal(body.length, 86 + 2 + 1 + 100 + 16);
    assert.deepEqual(decrypt(body, ua.privateKey, ua.auth), { ok: true, plaintext: Buffer.from('hi') });
    assert.throws(() => encrypt('hi', ua.subscription, { padding: MAX_PLAINTEXT_BYTES - 1 }), refusedWith('HERALD_WEBPUSH_PAYLOAD_TOO_LARGE'));
  });

  it('each message has its own salt and application server key', () => {
    const [a, b] = [encrypt('same', ua.subscription), encrypt('same', ua.subscription)];
    assert.notDeepEqual(a.subarray(0, 16), b.subarray(0, 16));
    assert.notDeepEqual(a.subarray(21, 86), b.subarray(21, 86));
  });

  it('a subscription whose p256dh is no P-256 point or whose auth is not 16 bytes is refused with HERALD_WEBPUSH_INVALID', () => {
    const bad = (keys: Partial<PushSubscription['keys']>): PushSubscription => ({ ...ua.subscription, keys: { ...ua.subscription.keys, ...keys } });
    const offCurve = Buffer.alloc(65, 1);
    offCurve[0] = 4;
    for (const keys of [{ p256dh: 'short' }, { p256dh: offCurve.toString('base64url') }, { p256dh: '!!not base64url!!' }, { auth: randomBytes(8).toString('base64url') }]) {
      assert.throws(() => encrypt('x', bad(keys)), refusedWith('HERALD_WEBPUSH_INVALID'), JSON.stringify(keys));
    }
  });

  it('decryption fails, as a value, with another auth secret, another private key or an altered byte', () => {
    const body = encrypt('secret', ua.subscription);
    assert.equal(decrypt(body, ua.privateKey, randomBytes(16)).ok, false);
    assert.equal(decrypt(body, userAgent().privateKey, ua.auth).ok, false);
    const altered = Buffer.from(body);
    altered[altered.length - 20]! ^= 1;
    assert.equal(decrypt(altered, ua.privateKey, ua.auth).ok, false);
    assert.equal(decrypt(body.subarray(0, 30), ua.privateKey, ua.auth).ok, false);
  });

  it('a record not marked as the last (delimiter 1, RFC 8188 §2) is refused: a truncated multi-record message', () => {
    const salt = randomBytes(16);
    const sender = createECDH('prime256v1');
    sender.generateKeys();
    const { cek, nonce } = deriveRecordKeys(sender.computeSecret(ua.ua.getPublicKey()), ua.auth, ua.ua.getPublicKey(), sender.getPublicKey(), salt);
    const cipher = createCipheriv('aes-128-gcm', cek, nonce);
    const record = Buffer.concat([cipher.update(Buffer.from('part one\x01')), cipher.final(), cipher.getAuthTag()]);
    const opened = decrypt(Buffer.concat([writeHeader(salt, sender.getPublicKey()), record]), ua.privateKey, ua.auth);
    assert.deepEqual(opened, { ok: false, problem: 'the only record is not marked as the last (delimiter 2)' });
  });
});
