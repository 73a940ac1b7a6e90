/** What Push 2.0 reads of a stanza: call, important, archived, body (mod_push2's rules). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { push2Facts } from '../../../src/xmpp/push2/message-facts.js';
import { parse } from './push2-fixtures.js';

const USER = 'juliet@capulet.example';
const facts = (text: string, archived?: boolean) => push2Facts(parse(text), USER, archived);
const chat = (inner: string, attrs = `type='chat'`) => `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${USER}' ${attrs}>${inner}</message>`;
const carbon = (direction: 'sent' | 'received', inner: string) =>
  `<message xmlns='jabber:client' from='${USER}' to='${USER}/balcony'><${direction} xmlns='urn:xmpp:carbons:2'>` +
  `<forwarded xmlns='urn:xmpp:forward:0'>${chat(inner)}</forwarded></${direction}></message>`;

test('a message with a body is important, with its body and sender read', () => {
  const read = facts(chat('<body>Art thou not Romeo?</body>'));
  assert.deepEqual(read, {
    call: false,
    important: true,
    archived: false,
    hasBody: true,
    body: 'Art thou not Romeo?',
    from: { full: 'romeo@montague.example/orchard', bare: 'romeo@montague.example', domain: 'montague.example', resource: 'orchard' },
  });
});

test('an empty body, or none, is not important', () => {
  assert.equal(facts(chat('<body></body>')).important, false);
  assert.equal(facts(chat(`<active xmlns='http://jabber.org/protocol/chatstates'/>`)).important, false);
});

test('an encrypted payload counts as a body (OMEMO legacy and 2, XEP-0027, XEP-0373)', () => {
  for (const payload of [
    `<encrypted xmlns='eu.siacs.conversations.axolotl'><payload>AA==</payload></encrypted>`,
    `<encrypted xmlns='urn:xmpp:omemo:2'><payload>AA==</payload></encrypted>`,
    `<x xmlns='jabber:x:encrypted'>AA==</x>`,
    `<openpgp xmlns='urn:xmpp:openpgp:0'>AA==</openpgp>`,
  ]) {
    const read = facts(chat(payload));
    assert.equal(read.hasBody, true, payload);
    assert.equal(read.important, true, payload);
  }
});

test('a call proposal or retraction is a call, and important without a body', () => {
  for (const element of ['propose', 'retract']) {
    const read = facts(chat(`<${element} xmlns='urn:xmpp:jingle-message:0' id='call-1'/>`));
    assert.equal(read.call, true, element);
    assert.equal(read.important, true, element);
  }
});

test('presence, a headline and a correction are never important', () => {
  assert.equal(facts(`<presence xmlns='jabber:client' from='romeo@montague.example/orchard'/>`).important, false);
  assert.equal(facts(chat('<body>news</body>', `type='headline'`)).important, false);
  assert.equal(facts(chat(`<body>fixed</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/>`)).important, false);
});

test('an outgoing carbon is never important; a received one is judged by the message it forwards', () => {
  assert.equal(facts(carbon('sent', '<body>hi</body>')).important, false);
  const received = facts(carbon('received', '<body>hi</body>'));
  assert.equal(received.important, true);
  assert.equal(received.from?.bare, 'romeo@montague.example');
  assert.equal(facts(carbon('received', '')).important, false);
});

test("archived: the user's own stanza-id, not a room's; the caller's word overrides", () => {
  const own = facts(chat(`<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='${USER}' id='mam-1'/>`));
  assert.equal(own.archived, true);
  assert.equal(own.archiveId, 'mam-1');
  const room = facts(chat(`<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.example' id='r-1'/>`));
  assert.equal(room.archived, false);
  assert.equal(room.archiveId, undefined);
  assert.equal(facts(chat('<body>x</body>'), true).archived, true);
  assert.equal(facts(chat(`<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='${USER}' id='mam-1'/>`), false).archived, false);
});

test('a reply names whom it answers (XEP-0461)', () => {
  const read = facts(chat(`<body>yes</body><reply xmlns='urn:xmpp:reply:0' to='${USER}/balcony' id='m0'/>`));
  assert.deepEqual(read.replyTo, { full: `${USER}/balcony`, bare: USER, domain: 'capulet.example', resource: 'balcony' });
});

test("the room's echo of the user's own groupchat message is not important when the host names the user's nick; a call still is", () => {
  const room = (nick: string, inner: string) => `<message xmlns='jabber:client' type='groupchat' from='verona@muc.example/${nick}' to='${USER}'>${inner}</message>`;
  const withNick = (text: string) => push2Facts(parse(text), USER, undefined, 'Jules');
  assert.equal(withNick(room('Jules', '<body>here I am</body>')).important, false);
  assert.equal(withNick(room('Romeo', '<body>here I am</body>')).important, true);
  assert.equal(facts(room('Jules', '<body>here I am</body>')).important, true, 'no nick: no echo known');
  assert.equal(withNick(`<message xmlns='jabber:client' type='chat' from='verona@muc.example/Jules' to='${USER}'><body>a private message</body></message>`).important, true, 'only groupchat echoes');
  assert.equal(withNick(room('Jules', `<propose xmlns='urn:xmpp:jingle-message:0' id='c1'/>`)).important, true);
});
