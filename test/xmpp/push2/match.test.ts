/** Each Push 2.0 match profile and chat filter, and the priority a notification gets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesProfile, priorityOf } from '../../../src/xmpp/push2/match.js';
import { push2Facts } from '../../../src/xmpp/push2/message-facts.js';
import type { ChatFilter, MatchProfile, Push2Match } from '../../../src/xmpp/push2/push2-types.js';
import { parse } from './push2-fixtures.js';

const USER = 'juliet@capulet.example';
const ME = { user: USER };
const matchOf = (profile: MatchProfile, filters: ChatFilter[] = []): Push2Match => ({ profile, filters, send: { kind: 'notify-only' } });
const facts = (from: string, inner: string, archived?: boolean) =>
  push2Facts(parse(`<message xmlns='jabber:client' from='${from}' to='${USER}' type='chat'>${inner}</message>`), USER, archived);
const STAMP = `<stanza-id xmlns='urn:xmpp:sid:0' by='${USER}' id='mam-1'/>`;
const ROMEO = 'romeo@montague.example/orchard';
const ROOM = 'room@muc.example';

test('all: every message, even one without a body', () => {
  assert.equal(matchesProfile(matchOf('all'), facts(ROMEO, `<active xmlns='http://jabber.org/protocol/chatstates'/>`), ME), true);
});

test('important: a body, not a chat state', () => {
  assert.equal(matchesProfile(matchOf('important'), facts(ROMEO, '<body>hi</body>'), ME), true);
  assert.equal(matchesProfile(matchOf('important'), facts(ROMEO, `<active xmlns='http://jabber.org/protocol/chatstates'/>`), ME), false);
});

test('archived: stamped by the user, or said archived by the caller', () => {
  assert.equal(matchesProfile(matchOf('archived'), facts(ROMEO, `<active xmlns='http://jabber.org/protocol/chatstates'/>${STAMP}`), ME), true);
  assert.equal(matchesProfile(matchOf('archived'), facts(ROMEO, '<body>hi</body>'), ME), false);
  assert.equal(matchesProfile(matchOf('archived'), facts(ROMEO, '<body>hi</body>', true), ME), true);
  assert.equal(matchesProfile(matchOf('archived'), facts(ROMEO, `<body>hi</body>${STAMP}`, false), ME), false);
});

test('archived-with-body: archived and with a body', () => {
  assert.equal(matchesProfile(matchOf('archived-with-body'), facts(ROMEO, `<body>hi</body>${STAMP}`), ME), true);
  assert.equal(matchesProfile(matchOf('archived-with-body'), facts(ROMEO, `<active xmlns='http://jabber.org/protocol/chatstates'/>${STAMP}`), ME), false);
  assert.equal(matchesProfile(matchOf('archived-with-body'), facts(ROMEO, '<body>hi</body>'), ME), false);
  assert.equal(matchesProfile(matchOf('archived-with-body'), facts(ROMEO, '<body>hi</body>', true), ME), true);
});

test('a mention filter pushes in that room only when the body names the nick (default: the local part)', () => {
  const match = matchOf('all', [{ jid: ROOM, mention: true, reply: false }]);
  assert.equal(matchesProfile(match, facts(`${ROOM}/Romeo`, '<body>juliet, come down</body>'), ME), true);
  assert.equal(matchesProfile(match, facts(`${ROOM}/Romeo`, '<body>the nurse calls</body>'), ME), false);
  assert.equal(matchesProfile(match, facts(`${ROOM}/Romeo`, '<body>Jules, come down</body>'), { user: USER, nick: 'Jules' }), true);
  assert.equal(matchesProfile(match, facts(`${ROOM}/Romeo`, '<body>juliet, come down</body>'), { user: USER, nick: 'Jules' }), false);
});

test('a reply filter pushes on a reply to the user\'s JID or to the user\'s nick in the room', () => {
  const match = matchOf('all', [{ jid: ROOM, mention: false, reply: true }]);
  const reply = (to: string) => facts(`${ROOM}/Romeo`, `<body>aye</body><reply xmlns='urn:xmpp:reply:0' to='${to}' id='m0'/>`);
  assert.equal(matchesProfile(match, reply(USER), ME), true);
  assert.equal(matchesProfile(match, reply(`${ROOM}/juliet`), ME), true);
  assert.equal(matchesProfile(match, reply(`${ROOM}/Tybalt`), ME), false);
  assert.equal(matchesProfile(match, reply(`other@muc.example/juliet`), ME), false);
  assert.equal(matchesProfile(match, facts(`${ROOM}/Romeo`, '<body>juliet!</body>'), ME), false);
});

test('a filter with neither mention nor reply mutes that chat', () => {
  const match = matchOf('all', [{ jid: ROOM, mention: false, reply: false }]);
  assert.equal(matchesProfile(match, facts(`${ROOM}/Romeo`, '<body>juliet!</body>'), ME), false);
});

test('a filter names the sender by full JID, bare JID or domain; other chats follow the profile', () => {
  const muted = (jid: string) => matchOf('all', [{ jid, mention: false, reply: false }]);
  for (const jid of [ROMEO, 'romeo@montague.example', 'montague.example']) {
    assert.equal(matchesProfile(muted(jid), facts(ROMEO, '<body>hi</body>'), ME), false, jid);
  }
  assert.equal(matchesProfile(muted('romeo@montague.example/elsewhere'), facts(ROMEO, '<body>hi</body>'), ME), true);
  assert.equal(matchesProfile(muted(ROOM), facts(ROMEO, '<body>hi</body>'), ME), true);
});

test('a filter does not widen the profile: a mention that is not important does not push an important match', () => {
  const match = matchOf('important', [{ jid: ROOM, mention: true, reply: false }]);
  assert.equal(matchesProfile(match, facts(`${ROOM}/Romeo`, `<body>juliet</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/>`), ME), false);
});

test('priority: a call is high, an important message normal, anything else low', () => {
  assert.equal(priorityOf(facts(ROMEO, `<propose xmlns='urn:xmpp:jingle-message:0' id='c1'/>`)), 'high');
  assert.equal(priorityOf(facts(ROMEO, '<body>hi</body>')), 'normal');
  assert.equal(priorityOf(facts(ROMEO, `<active xmlns='http://jabber.org/protocol/chatstates'/>`)), 'low');
});
