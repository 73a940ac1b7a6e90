import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../../src/core/errors.js';
import { vapidAuthorization, VapidAuthorizations, VAPID_TOKEN_LIFETIME_S } from '../../../src/push-service/webpush/vapid.js';
import { createECDH } from 'node:crypto';
import { generateVapidKeys, scalarOctets, vapidKeyPair } from '../../../src/push-service/webpush/vapid-keys.js';
import { verifyVapid } from '../../../src/push-service/webpush/vapid-verify.js';

const ORIGIN = 'https://push.example.net';
const SUBJECT = 'mailto:ops@example.org';
const NOW_S = 1_800_000_000;
const keys = generateVapidKeys();
const pair = vapidKeyPair(keys);
const signed = (expiry = NOW_S + 3_600, origin = ORIGIN, subject = SUBJECT) => vapidAuthorization(origin, subject, pair, expiry);
const claimsOf = (header: string) => JSON.parse(Buffer.from(/t=[^.]+\.([^.]+)\./.exec(header)![1]!, 'base64url').toString()) as Record<string, unknown>;

describe('VAPID keys', () => {
  it('a private scalar whose first octet is 0 is written as 32 octets, and the pair signs (1 key in 256 is one)', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.concat([Buffer.alloc(1), Buffer.alloc(31, 7)]));
    assert.equal(ecdh.getPrivateKey().length, 31, "node:crypto's shortest form");
    const privateKey = scalarOctets(ecdh.getPrivateKey()).toString('base64url');
    const pair = vapidKeyPair({ publicKey: ecdh.getPublicKey().toString('base64url'), privateKey });
    assert.equal(verifyVapid(vapidAuthorization(ORIGIN, SUBJECT, pair, NOW_S + 60), ORIGIN, NOW_S).ok, true);
  });
});

describe('VAPID (RFC 8292)', () => {
  it('signs "vapid t=<ES256 JWT>, k=<public key>" with aud, exp and sub, and the push service accepts it', () => {
    const header = signed();
    assert.match(header, /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    assert.deepEqual(claimsOf(header), { aud: ORIGIN, exp: NOW_S + 3_600, sub: SUBJECT });
    assert.deepEqual(verifyVapid(header, ORIGIN, NOW_S), { ok: true, publicKey: keys.publicKey, subject: SUBJECT, expiry: NOW_S + 3_600 });
  });

  it('is refused 403 for another push service (aud is another origin)', () => {
    const verdict = verifyVapid(signed(NOW_S + 60, 'https://other.example.net'), ORIGIN, NOW_S);
    assert.deepEqual([verdict.ok, !verdict.ok && verdict.status], [false, 403]);
  });

  it('is refused 403 once expired, and when its exp is more than 24 hours ahead', () => {
    for (const expiry of [NOW_S, NOW_S - 1, NOW_S + 24 * 3_600 + 1]) {
      const verdict = verifyVapid(signed(expiry), ORIGIN, NOW_S);
      assert.equal(verdict.ok ? 200 : verdict.status, 403, `exp now${expiry - NOW_S >= 0 ? '+' : ''}${expiry - NOW_S}`);
    }
    assert.equal(verifyVapid(signed(NOW_S + 24 * 3_600), ORIGIN, NOW_S).ok, true, 'exactly 24 h is allowed');
  });

  it('is refused 403 when the signature is not by k (another key, or an altered claim)', () => {
    const other = generateVapidKeys().publicKey;
    assert.equal(verifyVapid(signed().replace(/k=.*$/, `k=${other}`), ORIGIN, NOW_S).ok, false);
    const [head, claims, signature] = /t=([^,]+)/.exec(signed())![1]!.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), sub: 'mailto:evil@example.org' })).toString('base64url');
    const verdict = verifyVapid(`vapid t=${head}.${forged}.${signature}, k=${keys.publicKey}`, ORIGIN, NOW_S);
    assert.deepEqual(verdict, { ok: false, status: 403, problem: 'the JWT signature does not verify with k' });
  });

  it('is refused 401 when absent and 403 when not vapid or missing t or k', () => {
    assert.equal((verifyVapid(undefined, ORIGIN, NOW_S) as { status: number }).status, 401);
    for (const header of ['Bearer abc', `vapid k=${keys.publicKey}`, 'vapid t=a.b.c', `vapid t=a.b.c, k=${keys.publicKey}`]) {
      assert.equal((verifyVapid(header, ORIGIN, NOW_S) as { status: number }).status, 403, header);
    }
  });

  it('is refused 403, not a crash, when the signed claims are not a JSON object', () => {
    for (const claims of ['null', '42', '"text"', 'not json']) {
      const signingInput = `${Buffer.from('{"typ":"JWT","alg":"ES256"}').toString('base64url')}.${Buffer.from(claims).toString('base64url')}`;
      const signature = sign('sha256', Buffer.from(signingInput), { key: pair.signingKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
      const verdict = verifyVapid(`vapid t=${signingInput}.${signature}, k=${keys.publicKey}`, ORIGIN, NOW_S);
      assert.deepEqual(verdict, { ok: false, status: 403, problem: 'the JWT claims are not a JSON object' }, claims);
    }
  });

  it('refuses to sign for a subject that is neither mailto: nor https:', () => {
    assert.throws(() => signed(NOW_S + 60, ORIGIN, 'ops@example.org'), (e) => isHeraldError(e, 'HERALD_WEBPUSH_INVALID'));
    assert.throws(() => new VapidAuthorizations(pair, 'http://example.org'), (e) => isHeraldError(e, 'HERALD_WEBPUSH_INVALID'));
  });

  it('refuses a key pair whose public key is not the private key\'s', () => {
    const mixed = { publicKey: generateVapidKeys().publicKey, privateKey: keys.privateKey };
    assert.throws(() => vapidKeyPair(mixed), (e) => isHeraldError(e, 'HERALD_WEBPUSH_INVALID'));
  });
});

describe('VAPID headers per push service', () => {
  it('reuse one token per origin until an hour before its exp, then sign a new one valid 12 h', () => {
    let nowMs = NOW_S * 1_000;
    const tokens = new VapidAuthorizations(pair, SUBJECT, () => nowMs);
    const first = tokens.for(ORIGIN);
    assert.equal(claimsOf(first).exp, NOW_S + VAPID_TOKEN_LIFETIME_S);
    nowMs += (VAPID_TOKEN_LIFETIME_S - 3_601) * 1_000;
    assert.equal(tokens.for(ORIGIN), first, 'reused while more than an hour is left');
    assert.notEqual(tokens.for('https://other.example.net'), first, 'another origin has its own');
    nowMs += 2_000;
    const renewed = tokens.for(ORIGIN);
    assert.notEqual(renewed, first);
    assert.equal(verifyVapid(renewed, ORIGIN, Math.floor(nowMs / 1_000)).ok, true);
    assert.equal(tokens.signed, 3);
  });
});
