/**
 * The `tigase:push:encrypt:0` wire code: sealing, opening, and the `<encrypted/>` element as the
 * App Server reads it (opaque, checked only for being base64 of a bounded size).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { parseStanza } from '../../src/xmpp/parse.js';
import {
  buildEncryptedElement,
  openPushContent,
  parseEncryptedElement,
  sealPushContent,
  type PushEncryption,
} from '../../src/xmpp/push-encryption.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { storedOptions, withStoredExtensions } from '../../src/xmpp-server/stored-extensions.js';

const ENCRYPTION: PushEncryption = { alg: 'aes-128-gcm', key: randomBytes(16).toString('base64'), maxSize: 3_000 };
const CONTENT = { unread: 2, type: 'chat' as const, sender: 'juliet@capulet.example', message: 'Wherefore art thou, Romeo?' };

test('sealed content opens with the key, and the 16-byte tag follows the ciphertext', () => {
  const sealed = sealPushContent(CONTENT, ENCRYPTION);
  assert.deepEqual(openPushContent(sealed, ENCRYPTION.key), CONTENT);
  const bytes = Buffer.from(sealed.payload, 'base64');
  assert.equal(bytes.length, Buffer.byteLength(JSON.stringify(CONTENT)) + 16);
});

test('a changed ciphertext or another key does not open', () => {
  const sealed = sealPushContent(CONTENT, ENCRYPTION);
  const bytes = Buffer.from(sealed.payload, 'base64');
  bytes[0]! ^= 1;
  assert.throws(() => openPushContent({ iv: sealed.iv, payload: bytes.toString('base64') }, ENCRYPTION.key));
  assert.throws(() => openPushContent(sealed, randomBytes(16).toString('base64')));
});

test('a call is marked type=voip on the element, and the element reads back as it was built', () => {
  const sealed = sealPushContent({ unread: 1, type: 'call', sid: 'sess-9', sender: 'juliet@capulet.example/balcony' }, ENCRYPTION);
  assert.equal(sealed.voip, true);
  const element = buildEncryptedElement(sealed);
  assert.equal(element.attrs.type, 'voip');
  const notification = parseStanza(`<notification xmlns='urn:xmpp:push:0'>${element.toString()}</notification>`, 65_536);
  assert.deepEqual(parseEncryptedElement(notification), sealed);
});

test('an <encrypted/> that is not base64, or has no iv, is a bad request', () => {
  const bad = [
    `<encrypted xmlns='tigase:push:encrypt:0' iv='AAAAAAAAAAAAAAAA'>not base64!</encrypted>`,
    `<encrypted xmlns='tigase:push:encrypt:0'>AAAA</encrypted>`,
    `<encrypted xmlns='tigase:push:encrypt:0' iv='AAAAAAAAAAAAAAAA'></encrypted>`,
    `<encrypted xmlns='tigase:push:encrypt:0' iv='AAAAAAAAAAAAAAAA'>${'A'.repeat(8_000)}</encrypted>`,
  ];
  for (const text of bad) {
    const notification = parseStanza(`<notification xmlns='urn:xmpp:push:0'>${text}</notification>`, 65_536);
    assert.throws(() => parseEncryptedElement(notification), (e: unknown) => e instanceof StanzaError && e.condition === 'bad-request', text.slice(0, 80));
  }
});

test('PostgreSQL keeps the key inside publish_options and gives it back out of them', () => {
  const registration = { pubsubJid: 'push.example', node: 'n', publishOptions: { service: 'apns' }, createdAt: 1, encryption: ENCRYPTION };
  const stored = storedOptions(registration);
  assert.notDeepEqual(stored, registration.publishOptions);
  const read = withStoredExtensions({ ...registration, encryption: undefined, publishOptions: JSON.parse(JSON.stringify(stored)) as Record<string, string> });
  assert.deepEqual(read.publishOptions, { service: 'apns' }, 'the key never becomes a publish-option');
  assert.deepEqual(read.encryption, ENCRYPTION);
  assert.equal(storedOptions({ ...registration, encryption: undefined }), registration.publishOptions);
});
