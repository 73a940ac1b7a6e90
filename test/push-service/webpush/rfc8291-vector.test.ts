/**
 * RFC 8291 §5 / Appendix A: the published example, byte for byte. The only check written by
 * someone else: a round trip alone would pass with a misreading shared by both directions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decrypt } from '../../../src/crypto/rfc8291/decrypt.js';
import { encrypt } from '../../../src/push-service/webpush/encrypt.js';

const b = (text: string): Buffer => Buffer.from(text, 'base64url');
/** RFC 8291 Appendix A, "Encryption Example" (values as the RFC prints them, base64url). */
const RFC8291 = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml' +
    'mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT' +
    'pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};
const subscription = { endpoint: 'https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV', keys: { p256dh: RFC8291.uaPublic, auth: RFC8291.authSecret } };

describe('RFC 8291 Appendix A', () => {
  it("encrypting the example's plaintext with its salt and application server key gives the RFC's body exactly", () => {
    const body = encrypt(RFC8291.plaintext, subscription, { salt: b(RFC8291.salt), senderPrivateKey: b(RFC8291.asPrivate) });
    assert.equal(body.toString('base64url'), RFC8291.body);
  });

  it('the header is salt, rs 4096, idlen 65 and the application server public key (RFC 8188 §2.1)', () => {
    const body = b(RFC8291.body);
    assert.deepEqual(body.subarray(0, 16), b(RFC8291.salt));
    assert.equal(body.readUInt32BE(16), 4_096);
    assert.equal(body[20], 65);
    assert.deepEqual(body.subarray(21, 86), b(RFC8291.asPublic));
  });

  it("the RFC's body decrypts with the user agent's private key and auth secret to the plaintext", () => {
    const opened = decrypt(b(RFC8291.body), b(RFC8291.uaPrivate), b(RFC8291.authSecret));
    assert.deepEqual(opened, { ok: true, plaintext: Buffer.from(RFC8291.plaintext) });
  });
});
