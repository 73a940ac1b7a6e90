/** Every `<enable xmlns='urn:xmpp:push2:0'/>` Herald refuses, with its RFC 6120 condition and a text naming the problem. */
import assert from 'node:assert/strict';
import { createECDH, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { MAX_FILTERS, MAX_GRACE_S, MAX_JWT_CLAIMS, MAX_MATCHES } from '../../../src/xmpp/push2/enable-limits.js';
import { MAX_CLIENT_CHARS } from '../../../src/xmpp/push2/notification-reader.js';
import { readPush2Enable } from '../../../src/xmpp/push2/enable-reader.js';
import { StanzaError } from '../../../src/xmpp/stanza-error.js';
import { clientKeys, enableWith, NOTIFY_ONLY, sceSend } from './push2-fixtures.js';

const KEYS = clientKeys();
const ALL = 'urn:xmpp:push2:match:all';
const match = (inner: string, profile = ALL) => `<match profile='${profile}'>${inner}</match>`;
const HEAD = (service: string, client = 'c') => `<service>${service}</service><client>${client}</client>`;
const sceWith = (keys: Partial<Record<'uaPublic' | 'authSecret' | 'alg' | 'jwtKey', string>>, claims = `<jwt-claim name='aud'>https://push.example.com</jwt-claim>`) =>
  `<send xmlns='urn:xmpp:push2:send:sce+rfc8291+rfc8292:0'>` +
  (keys.uaPublic === '' ? '' : `<ua-public>${keys.uaPublic ?? KEYS.uaPublic.toString('base64')}</ua-public>`) +
  (keys.authSecret === '' ? '' : `<auth-secret>${keys.authSecret ?? KEYS.authSecret.toString('base64')}</auth-secret>`) +
  (keys.alg === '' ? '' : `<jwt-alg>${keys.alg ?? 'ES256'}</jwt-alg>`) +
  (keys.jwtKey === '' ? '' : `<jwt-key>${keys.jwtKey ?? KEYS.jwtKey.toString('base64')}</jwt-key>`) +
  `${claims}</send>`;

function refused(enable: ReturnType<typeof enableWith>, condition: string, type: string, text: RegExp) {
  assert.throws(
    () => readPush2Enable(enable),
    (e: unknown) => {
      assert.ok(e instanceof StanzaError, String(e));
      assert.equal(e.condition, condition, e.message);
      assert.equal(e.type, type, e.message);
      assert.match(e.text ?? '', text);
      return true;
    },
  );
}

test('an enable without a service, or with an empty one, is a bad request', () => {
  refused(enableWith(match(NOTIFY_ONLY), '<client>c</client>'), 'bad-request', 'modify', /without a <service\/>/);
  refused(enableWith(match(NOTIFY_ONLY), HEAD('  ')), 'bad-request', 'modify', /without a <service\/>/);
});

test('a service that is no JID is jid-malformed', () => {
  refused(enableWith(match(NOTIFY_ONLY), HEAD('push@@example.com')), 'jid-malformed', 'modify', /push@@example\.com/);
});

test('an enable without a client, or with one over the limit, is a bad request', () => {
  refused(enableWith(match(NOTIFY_ONLY), '<service>push.example.com</service>'), 'bad-request', 'modify', /without a <client\/>/);
  refused(enableWith(match(NOTIFY_ONLY), HEAD('push.example.com', 'x'.repeat(MAX_CLIENT_CHARS + 1))), 'bad-request', 'modify', new RegExp(`longer than ${MAX_CLIENT_CHARS}`));
});

test('an enable without a match is a bad request: nothing would ever push', () => {
  refused(enableWith(''), 'bad-request', 'modify', /nothing would ever be pushed/);
});

test('more matches, filters or claims than the limits are bad requests', () => {
  refused(enableWith(match(NOTIFY_ONLY).repeat(MAX_MATCHES + 1)), 'bad-request', 'modify', new RegExp(`more than ${MAX_MATCHES} <match/>`));
  const filters = Array.from({ length: MAX_FILTERS + 1 }, (_, i) => `<filter jid='room${i}@muc.example'/>`).join('');
  refused(enableWith(match(filters + NOTIFY_ONLY)), 'bad-request', 'modify', new RegExp(`more than ${MAX_FILTERS} <filter/>`));
  const claims = Array.from({ length: MAX_JWT_CLAIMS + 1 }, (_, i) => `<jwt-claim name='c${i}'>v</jwt-claim>`).join('');
  refused(enableWith(match(sceWith({}, claims))), 'bad-request', 'modify', new RegExp(`more than ${MAX_JWT_CLAIMS} <jwt-claim/>`));
});

test('an unknown match profile, or none, is refused naming it', () => {
  refused(enableWith(match(NOTIFY_ONLY, 'urn:xmpp:push2:match:everything')), 'feature-not-implemented', 'cancel', /urn:xmpp:push2:match:everything/);
  refused(enableWith(`<match>${NOTIFY_ONLY}</match>`), 'bad-request', 'modify', /without a profile/);
});

test('an unknown send profile is feature-not-implemented naming it; a match without one is a bad request', () => {
  refused(enableWith(match(`<send xmlns='urn:xmpp:push2:send:carrier-pigeon:0'/>`)), 'feature-not-implemented', 'cancel', /urn:xmpp:push2:send:carrier-pigeon:0/);
  refused(enableWith(match('')), 'bad-request', 'modify', /without a <send\/>/);
});

test('a grace that is not a whole number of seconds, or is over the limit, is a bad request', () => {
  for (const grace of ['-1', '1.5', 'soon', '']) {
    refused(enableWith(match(`<grace>${grace}</grace>${NOTIFY_ONLY}`)), 'bad-request', 'modify', /<grace\/> is not a whole number/);
  }
  refused(enableWith(match(`<grace>${MAX_GRACE_S + 1}</grace>${NOTIFY_ONLY}`)), 'bad-request', 'modify', new RegExp(`over ${MAX_GRACE_S}`));
});

test('a filter without a jid is a bad request, with a malformed one jid-malformed', () => {
  refused(enableWith(match(`<filter><mention/></filter>${NOTIFY_ONLY}`)), 'bad-request', 'modify', /<filter\/> without a jid/);
  refused(enableWith(match(`<filter jid='a@b@c'/>${NOTIFY_ONLY}`)), 'jid-malformed', 'modify', /a@b@c/);
});

test('a ua-public that is missing, not base64, not 65 octets, or not on P-256 is a bad request', () => {
  const offCurve = Buffer.from(KEYS.uaPublic);
  offCurve[64]! ^= 1;
  const compressed = createECDH('prime256v1');
  compressed.generateKeys();
  for (const uaPublic of ['not base64!', KEYS.uaPublic.subarray(0, 64).toString('base64'), offCurve.toString('base64'), compressed.getPublicKey(undefined, 'compressed').toString('base64')]) {
    refused(enableWith(match(sceWith({ uaPublic }))), 'bad-request', 'modify', /<ua-public\/> is not a base64 uncompressed P-256 point/);
  }
  refused(enableWith(match(sceWith({ uaPublic: '' }))), 'bad-request', 'modify', /without <ua-public\/>/);
});

test('an auth-secret that is not 16 octets is a bad request', () => {
  refused(enableWith(match(sceWith({ authSecret: Buffer.alloc(15).toString('base64') }))), 'bad-request', 'modify', /<auth-secret\/> is not base64 of 16 octets/);
  refused(enableWith(match(sceWith({ authSecret: '' }))), 'bad-request', 'modify', /without <auth-secret\/>/);
});

test('a jwt-alg other than ES256 is feature-not-implemented', () => {
  refused(enableWith(match(sceWith({ alg: 'HS256' }))), 'feature-not-implemented', 'cancel', /jwt-alg not supported: HS256/);
});

test('a jwt-key that is no PKCS#8 P-256 private key is a bad request', () => {
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'der', type: 'pkcs8' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' });
  for (const jwtKey of [p384.toString('base64'), rsa.toString('base64'), 'AAAA', KEYS.jwtKey.subarray(1).toString('base64')]) {
    refused(enableWith(match(sceWith({ jwtKey }))), 'bad-request', 'modify', /<jwt-key\/> is not a base64 PKCS#8 P-256 private key/);
  }
  refused(enableWith(match(sceWith({ jwtKey: '' }))), 'bad-request', 'modify', /without <jwt-key\/>/);
});

test('a jwt-claim without a name, twice, or naming exp or sub is a bad request', () => {
  refused(enableWith(match(sceWith({}, `<jwt-claim>x</jwt-claim>`))), 'bad-request', 'modify', /<jwt-claim\/> without a name/);
  refused(enableWith(match(sceWith({}, `<jwt-claim name='aud'>a</jwt-claim><jwt-claim name='aud'>b</jwt-claim>`))), 'bad-request', 'modify', /given twice/);
  for (const name of ['exp', 'sub']) {
    refused(enableWith(match(sceWith({}, `<jwt-claim name='${name}'>1</jwt-claim>`))), 'bad-request', 'modify', new RegExp(`the server sets ${name}`));
  }
});

test('a jwt-key or claims without a jwt-alg is a bad request', () => {
  refused(enableWith(match(sceWith({ alg: '' }))), 'bad-request', 'modify', /without <jwt-alg\/>/);
});

test('a client whose keys are right is read (the refusals above are not a reader that refuses everything)', () => {
  assert.equal(readPush2Enable(enableWith(match(sceSend(KEYS)))).matches[0]?.send.kind, 'sce+rfc8291+rfc8292');
});
