/** The notification sent to the push service for one registration, and its `<message/>`, read back element by element. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesProfile } from '../../../src/xmpp/push2/match.js';
import { push2Facts } from '../../../src/xmpp/push2/message-facts.js';
import { buildPush2Message, push2Notification } from '../../../src/xmpp/push2/notification-builder.js';
import { readPush2Enable } from '../../../src/xmpp/push2/enable-reader.js';
import { clientKeys, enableWith, NOTIFY_ONLY, parse, sceSend } from './push2-fixtures.js';

const USER = 'juliet@capulet.example';
const CONTEXT = { from: 'capulet.example', id: 'n-1', subject: 'xmpp:capulet.example', nowS: 1_800_000_000 };
const CHAT = `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${USER}' type='chat'><body>hi</body></message>`;
const CALL = `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${USER}'><propose xmlns='urn:xmpp:jingle-message:0' id='c1'/></message>`;

function notificationFor(enableInner: string, stanzaText: string) {
  const config = readPush2Enable(enableWith(enableInner));
  const stanza = parse(stanzaText);
  const facts = push2Facts(stanza, USER);
  const matched = config.matches.filter((m) => matchesProfile(m, facts, { user: USER }));
  return push2Notification(config, matched, stanza, facts, CONTEXT);
}

test('notify-only: the client and the priority, nothing more', () => {
  const n = notificationFor(`<match profile='urn:xmpp:push2:match:all'>${NOTIFY_ONLY}</match>`, CHAT);
  assert.deepEqual(n, { to: 'push.example.com', from: 'capulet.example', id: 'n-1', client: 'https://push.example.com/adlfkjadafdasf', priority: 'normal' });
});

test('a call is high priority and carries <voip/>', () => {
  const n = notificationFor(`<match profile='urn:xmpp:push2:match:important'>${NOTIFY_ONLY}</match>`, CALL);
  assert.equal(n?.priority, 'high');
  assert.equal(n?.voip, true);
});

test('the first matched sce profile gives the encrypted payload and the JWT; an unmatched one gives nothing', () => {
  const keys = clientKeys();
  const both = notificationFor(`<match profile='urn:xmpp:push2:match:all'>${NOTIFY_ONLY}</match><match profile='urn:xmpp:push2:match:important'>${sceSend(keys)}</match>`, CHAT);
  assert.ok(both?.encrypted);
  assert.ok(both?.jwt?.token);
  const state = `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${USER}'><active xmlns='http://jabber.org/protocol/chatstates'/></message>`;
  const onlyNotify = notificationFor(`<match profile='urn:xmpp:push2:match:all'>${NOTIFY_ONLY}</match><match profile='urn:xmpp:push2:match:important'>${sceSend(keys)}</match>`, state);
  assert.equal(onlyNotify?.priority, 'low');
  assert.equal(onlyNotify?.encrypted, undefined);
  assert.equal(onlyNotify?.jwt, undefined);
});

test('nothing matched: no notification', () => {
  const state = `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${USER}'><active xmlns='http://jabber.org/protocol/chatstates'/></message>`;
  assert.equal(notificationFor(`<match profile='urn:xmpp:push2:match:important'>${NOTIFY_ONLY}</match>`, state), undefined);
});

test('the message reads back as it was built', () => {
  const keys = clientKeys();
  const n = notificationFor(`<match profile='urn:xmpp:push2:match:all'>${sceSend(keys)}</match>`, CALL)!;
  const message = parse(buildPush2Message(n).toString());
  assert.deepEqual(message.attrs, { to: n.to, from: n.from, id: n.id });
  const notification = message.getChild('notification', 'urn:xmpp:push2:0')!;
  assert.equal(notification.getChildText('client'), n.client);
  assert.equal(notification.getChildText('priority'), 'high');
  assert.ok(notification.getChild('voip'));
  assert.equal(notification.getChild('encrypted', 'urn:xmpp:sce:rfc8291:0')?.getChildText('payload'), n.encrypted);
  assert.equal(notification.getChild('jwt')?.attrs.key, n.jwt?.key);
  assert.equal(notification.getChildText('jwt'), n.jwt?.token);
  const bare = parse(buildPush2Message({ to: 'p.example', from: 'c.example', id: 'x', client: 'c', priority: 'low' }).toString());
  assert.deepEqual(bare.getChild('notification')?.getChildElements().map((e) => e.name), ['client', 'priority']);
});
