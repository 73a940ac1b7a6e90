/**
 * Tigase `tigase:push:encrypt:0` in the XMPP Server role: what an `<enable/>` with `<encrypt/>`
 * is answered, what the publishes then carry, and what the account's disco#info shows.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openPushContent } from '../../src/xmpp/push-encryption.js';
import { buildPublishStanza } from '../../src/xmpp-server/publish-stanza.js';
import { parsePublishRequest } from '../../src/app-server/publish-request.js';
import { accountDiscoInfoReply } from '../../src/xmpp-server/disco.js';
import { Harness, assertStanzaError, chat, stanza } from './harness.js';

const KEY = randomBytes(16).toString('base64');
const ROMEO = 'romeo@example.com';

const enableWith = (encrypt: string, node = 'n1', form = '') =>
  stanza(`<iq type='set' id='e1' from='${ROMEO}/phone'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='${node}'>${form}${encrypt}</enable></iq>`);
const encrypt = (key: string, attrs = "alg='aes-128-gcm'") => `<encrypt xmlns='tigase:push:encrypt:0' ${attrs}>${key}</encrypt>`;

/** [what is sent, the `<encrypt/>`, the error as type/condition] */
const REFUSED: Array<[string, string, string]> = [
  ['a key of 15 bytes', encrypt(randomBytes(15).toString('base64')), 'modify/bad-request'],
  ['a key of 32 bytes (AES-256)', encrypt(randomBytes(32).toString('base64')), 'modify/bad-request'],
  ['a key that is not base64', encrypt('not*base64*at*all!!'), 'modify/bad-request'],
  // Node's lenient decoder skips the '!' and finds 16 bytes: the text itself must be base64.
  ['a 16-byte key with a stray character', encrypt(`${KEY.slice(0, 4)}!${KEY.slice(4)}`), 'modify/bad-request'],
  ['an empty key', encrypt(''), 'modify/bad-request'],
  ['an unknown algorithm', encrypt(KEY, "alg='aes-256-cbc'"), 'modify/feature-not-implemented'],
  ['no algorithm', encrypt(KEY, ''), 'modify/bad-request'],
  ['a max-size that is no number', encrypt(KEY, "alg='aes-128-gcm' max-size='lots'"), 'modify/bad-request'],
  ['two <encrypt/> elements', encrypt(KEY) + encrypt(KEY), 'modify/bad-request'],
  [
    'the publish-option Herald keeps the key under',
    `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field><field var='{tigase:push:encrypt:0}encrypt'><value>{}</value></field></x>`,
    'modify/bad-request',
  ],
];

describe('encrypted push registrations', () => {
  let h: Harness;
  before(() => {
    h = new Harness();
  });
  after(() => h.dispose());

  for (const [what, element, error] of REFUSED) {
    test(`an enable with ${what} is refused with ${error}, naming the problem`, async () => {
      const reply = await h.role.handleIq(enableWith(element, 'refused'));
      const [type, condition] = error.split('/') as [string, string];
      assertStanzaError(reply, type, condition);
      assert.ok(reply.getChild('error')!.getChildText('text'), 'a text says what is wrong');
      assert.equal((await h.role.registrations(ROMEO)).filter((r) => r.node === 'refused').length, 0);
    });
  }

  test('a message for an encrypted registration is published with no summary, only the encrypted JSON', async () => {
    const reply = await h.role.handleIq(enableWith(`\n  ${encrypt(`\n    ${KEY}\n  `)}\n`));
    assert.equal(reply.attrs.type, 'result', reply.toString());
    h.role.onMessage(chat(ROMEO, 'Wherefore art thou?'));
    const [publish] = await h.publisher.waitForPublishes(1);
    assert.deepEqual(publish!.summary, {}, 'nothing in clear (encrypt §4.4)');
    assert.deepEqual(openPushContent(publish!.encrypted!, KEY), {
      unread: 1,
      type: 'chat',
      sender: 'juliet@capulet.example',
      message: 'Wherefore art thou?',
    });

    const iq = buildPublishStanza(publish!, 'p1');
    assert.doesNotMatch(iq.toString(), /Wherefore|juliet/);
    assert.deepEqual(parsePublishRequest(stanza(iq.toString()), 'push.example.net').encrypted, publish!.encrypted);
  });

  test('every publish gets a fresh IV', async () => {
    const before = h.publisher.publishes.length;
    h.role.onMessage(chat(ROMEO, 'one', 'iv-1'));
    h.role.onMessage(chat(ROMEO, 'two', 'iv-2'));
    const publishes = (await h.publisher.waitForPublishes(before + 2)).slice(before);
    assert.notEqual(publishes[0]!.encrypted!.iv, publishes[1]!.encrypted!.iv);
    assert.equal(Buffer.from(publishes[0]!.encrypted!.iv, 'base64').length, 12);
  });

  test('a groupchat message names the occupant as nickname; a long body is cut to max-size', async () => {
    await h.role.handleIq(enableWith(encrypt(KEY, "alg='aes-128-gcm' max-size='400'"), 'n2'));
    const before = h.publisher.publishes.length;
    const body = 'é'.repeat(1_000);
    h.role.onMessage(stanza(`<message type='groupchat' id='g1' from='room@muc.example/Mercutio' to='${ROMEO}'><body>${body}</body></message>`));
    const publishes = (await h.publisher.waitForPublishes(before + 2)).slice(before);
    const small = publishes.find((p) => p.node === 'n2')!;
    assert.ok(small.encrypted!.payload.length <= 400, `${small.encrypted!.payload.length} base64 characters`);
    const content = openPushContent(small.encrypted!, KEY);
    assert.equal(content.type, 'groupchat');
    assert.equal(content.sender, 'room@muc.example');
    assert.equal(content.nickname, 'Mercutio');
    assert.ok(content.message!.length > 0 && body.startsWith(content.message!), 'the end of the body is cut');
  });

  test('a call is sealed as type call with its session id and the caller\'s full JID, marked voip', async () => {
    const before = h.publisher.publishes.length;
    h.role.onMessage(stanza(`<message type='chat' id='c1' from='juliet@capulet.example/balcony' to='${ROMEO}'><propose xmlns='urn:xmpp:jingle-message:0' id='sess-9'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></propose></message>`));
    const publishes = (await h.publisher.waitForPublishes(before + 2)).slice(before);
    const call = publishes.find((p) => p.node === 'n1')!;
    assert.equal(call.encrypted!.voip, true);
    assert.deepEqual(call.summary, {}, 'not even the call mark in clear');
    const content = openPushContent(call.encrypted!, KEY);
    assert.equal(content.type, 'call');
    assert.equal(content.sid, 'sess-9');
    assert.equal(content.sender, 'juliet@capulet.example/balcony');
  });

  test('re-enabling without <encrypt/> publishes in clear again (encrypt §4.3)', async () => {
    await h.role.handleIq(enableWith('', 'n1'));
    const registration = (await h.role.registrations(ROMEO)).find((r) => r.node === 'n1')!;
    assert.equal(registration.encryption, undefined);
  });

  test('the account disco#info lists the encryption features', () => {
    const reply = accountDiscoInfoReply(stanza(`<iq type='get' id='d' from='${ROMEO}/a' to='${ROMEO}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`));
    const vars = reply.getChild('query')!.getChildren('feature').map((f) => f.attrs.var);
    assert.ok(vars.includes('tigase:push:encrypt:0'));
    assert.ok(vars.includes('tigase:push:encrypt:aes-128-gcm'));
  });
});
