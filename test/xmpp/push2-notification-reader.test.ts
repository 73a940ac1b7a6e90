import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parseStanza } from '../../src/xmpp/parse.js';
import { MAX_PUSH2_PAYLOAD_BYTES, readPush2Notification } from '../../src/xmpp/push2/notification-reader.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';

const PAYLOAD = randomBytes(200).toString('base64');
const KEY = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64');
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

const message = (inner: string, attrs = "to='push.localhost' from='example.org' id='n1'") =>
  parseStanza(`<message ${attrs}><notification xmlns='urn:xmpp:push2:0'>${inner}</notification></message>`, 65_536);
const encrypted = (payload: string) => `<encrypted xmlns='urn:xmpp:sce:rfc8291:0'><payload>${payload}</payload></encrypted>`;

/** The StanzaError of a refused read, as `type/condition: text`. */
function refusal(inner: string): string {
  try {
    readPush2Notification(message(inner));
    return 'read';
  } catch (e) {
    assert.ok(e instanceof StanzaError, String(e));
    return `${e.type}/${e.condition}: ${e.text}`;
  }
}

describe('reading a Push 2.0 notification', () => {
  it('reads client, priority, voip, the payload and the jwt as the user server wrote them', () => {
    const read = readPush2Notification(message(`<client> c1.s1 </client><priority>low</priority><voip/>${encrypted(PAYLOAD)}<jwt key='${KEY}'>${JWT}</jwt>`));
    assert.deepEqual(read, { to: 'push.localhost', from: 'example.org', id: 'n1', client: 'c1.s1', priority: 'low', voip: true, encrypted: PAYLOAD, jwt: { key: KEY, token: JWT } });
  });

  it('reads a notify-only notification (no payload) as a wake-up of normal priority when none is named', () => {
    assert.deepEqual(readPush2Notification(message('<client>c1.s1</client>')), { to: 'push.localhost', from: 'example.org', id: 'n1', client: 'c1.s1', priority: 'normal' });
  });

  it('refuses each fault as modify/bad-request naming it', () => {
    assert.equal(refusal('<priority>high</priority>'), 'modify/bad-request: the notification names no <client/>');
    assert.equal(refusal('<client>a</client><client>b</client>'), 'modify/bad-request: the notification has 2 <client/> elements');
    assert.equal(refusal('<client>a</client><priority>urgent</priority>'), 'modify/bad-request: unknown priority "urgent" (high, normal or low)');
    assert.equal(refusal(`<client>a</client>${encrypted('not base64!')}`), 'modify/bad-request: <payload/> is not standard base64');
    assert.equal(refusal(`<client>a</client>${encrypted('')}`), 'modify/bad-request: <encrypted/> has no <payload/>');
    const tooLarge = randomBytes(MAX_PUSH2_PAYLOAD_BYTES + 1).toString('base64');
    assert.equal(refusal(`<client>a</client>${encrypted(tooLarge)}`), `modify/bad-request: <payload/> is ${MAX_PUSH2_PAYLOAD_BYTES + 1} bytes, over ${MAX_PUSH2_PAYLOAD_BYTES}`);
    assert.match(refusal(`<client>a</client>${encrypted('AAAA')}`), /too short for an RFC 8291 body/);
    assert.equal(refusal(`<client>a</client><jwt>${JWT}</jwt>`), 'modify/bad-request: <jwt/> has no key');
    assert.match(refusal(`<client>a</client><jwt key='AAAA'>${JWT}</jwt>`), /key is not standard base64 of a raw P-256 public key/);
    assert.equal(refusal(`<client>a</client><jwt key='${KEY}'>not a jws</jwt>`), 'modify/bad-request: <jwt/> is not a compact JWS');
    assert.match(refusal(`<client>${'x'.repeat(2_000)}</client>`), /<client\/> is over 1024 characters/);
  });

  it('refuses a message without a notification or without a sender', () => {
    assert.throws(() => readPush2Notification(parseStanza(`<message from='example.org'><body>hi</body></message>`, 4_096)), /no <notification/);
    assert.throws(() => readPush2Notification(message('<client>a</client>', "to='push.localhost'")), /no from/);
  });
});
