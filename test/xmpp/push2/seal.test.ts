/** The sce+rfc8291+rfc8292 payload: decrypts with the client's keys to the forwarded stanza, and its JWT verifies. */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { test } from 'node:test';
import { decrypt } from '../../../src/crypto/rfc8291/decrypt.js';
import { MAX_SEALED_BODY_BYTES } from '../../../src/xmpp/push2/envelope-bound.js';
import { readPush2Enable } from '../../../src/xmpp/push2/enable-reader.js';
import type { SendProfile } from '../../../src/xmpp/push2/push2-types.js';
import { PUSH2_JWT_LIFETIME_S, sealPush2 } from '../../../src/xmpp/push2/seal.js';
import { clientKeys, enableWith, parse, sceSend, type ClientKeys } from './push2-fixtures.js';

const NOW_S = 1_800_000_000;
const SUBJECT = 'xmpp:capulet.example';
const STANZA = `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='juliet@capulet.example' type='chat' id='m1'><body>Art thou not Romeo?</body><stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.example' id='mam-1'/></message>`;

type Sce = Extract<SendProfile, { kind: 'sce+rfc8291+rfc8292' }>;
function sceOf(keys: ClientKeys, send = sceSend(keys)): Sce {
  const profile = readPush2Enable(enableWith(`<match profile='urn:xmpp:push2:match:all'>${send}</match>`)).matches[0]!.send;
  assert.equal(profile.kind, 'sce+rfc8291+rfc8292');
  return profile as Sce;
}

function opened(encrypted: string, keys: ClientKeys) {
  const read = decrypt(Buffer.from(encrypted, 'base64'), keys.uaPrivate, keys.authSecret);
  assert.ok(read.ok, read.ok ? '' : read.problem);
  return parse(read.plaintext.toString('utf8'));
}

test('the payload decrypts with the client\'s private key and auth secret to the envelope forwarding the stanza', () => {
  const keys = clientKeys();
  const sealed = sealPush2(parse(STANZA), sceOf(keys), { subject: SUBJECT, nowS: NOW_S });
  const envelope = opened(sealed.encrypted, keys);
  const forwarded = envelope.getChild('content')?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
  assert.equal(forwarded?.toString(), parse(STANZA).toString());
});

test('another client\'s keys do not open it', () => {
  const keys = clientKeys();
  const sealed = sealPush2(parse(STANZA), sceOf(keys), { subject: SUBJECT, nowS: NOW_S });
  const other = clientKeys();
  assert.equal(decrypt(Buffer.from(sealed.encrypted, 'base64'), other.uaPrivate, keys.authSecret).ok, false);
});

test('the JWT verifies with the key it names, signed ES256 with the client\'s jwt-key, with its claims, sub and a bounded exp', () => {
  const keys = clientKeys();
  const { jwt } = sealPush2(parse(STANZA), sceOf(keys), { subject: SUBJECT, nowS: NOW_S });
  assert.ok(jwt);
  const raw = Buffer.from(jwt.key, 'base64');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  assert.deepEqual(publicKey.export({ format: 'der', type: 'spki' }), createPublicKey(createPrivateKey({ key: keys.jwtKey, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }));
  const [header, claims, signature] = jwt.token.split('.');
  assert.ok(verify('sha256', Buffer.from(`${header}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url')));
  assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { typ: 'JWT', alg: 'ES256' });
  const read = JSON.parse(Buffer.from(claims!, 'base64url').toString());
  assert.deepEqual(read, { aud: 'https://push.example.com', sub: SUBJECT, exp: NOW_S + PUSH2_JWT_LIFETIME_S });
  assert.ok(read.exp - NOW_S <= 24 * 3_600, 'RFC 8292 §2: at most 24 h ahead');
});

test('without jwt-alg there is no JWT', () => {
  const keys = clientKeys();
  const send = `<send xmlns='urn:xmpp:push2:send:sce+rfc8291+rfc8292:0'><ua-public>${keys.uaPublic.toString('base64url')}</ua-public><auth-secret>${keys.authSecret.toString('base64url')}</auth-secret></send>`;
  const sealed = sealPush2(parse(STANZA), sceOf(keys, send), { subject: SUBJECT, nowS: NOW_S });
  assert.equal(sealed.jwt, undefined);
  assert.ok(opened(sealed.encrypted, keys));
});

test('a large stanza still seals within the bound that fits an APNS payload as base64', () => {
  const keys = clientKeys();
  const big = STANZA.replace('Art thou not Romeo?', 'O Romeo, Romeo! '.repeat(400));
  const sealed = sealPush2(parse(big), sceOf(keys), { subject: SUBJECT, nowS: NOW_S });
  assert.ok(Buffer.from(sealed.encrypted, 'base64').length <= MAX_SEALED_BODY_BYTES);
  const forwarded = opened(sealed.encrypted, keys).getChild('content')?.getChild('forwarded')?.getChild('message');
  assert.equal(forwarded?.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, 'mam-1');
});
