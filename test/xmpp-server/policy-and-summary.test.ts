import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountDiscoInfoReply, isAccountDiscoInfo } from '../../src/xmpp-server/disco.js';
import { messageIdentity, pushDecision } from '../../src/xmpp-server/push-policy.js';
import { buildSummary } from '../../src/xmpp-server/summary.js';
import { truncate } from '../../src/xmpp/truncate.js';
import { stanza } from './harness.js';

test('a chat message with a body deserves a push, with its first non-blank body', () => {
  const decision = pushDecision(
    stanza(`<message type='chat'><body xml:lang='en'> </body><body xml:lang='fr'>Bonjour</body></message>`),
  );
  assert.deepEqual(decision, { push: true, body: 'Bonjour' });
});

test('a message of an unknown type counts as normal (RFC 6121 §5.2.2)', () => {
  assert.equal(pushDecision(stanza(`<message type='weird'><body>x</body></message>`)).push, true);
});

test('each refusal names its reason', () => {
  const reasons = [
    `<presence/>`,
    `<message type='headline'><body>x</body></message>`,
    `<message type='error'><body>x</body></message>`,
    `<message><body>x</body><no-store xmlns='urn:xmpp:hints'/></message>`,
    `<message><sent xmlns='urn:xmpp:carbons:2'/></message>`,
    `<message type='groupchat'><subject>s</subject></message>`,
    `<message><body xmlns='urn:example:other'>x</body></message>`,
  ].map((text) => {
    const d = pushDecision(stanza(text));
    return d.push ? 'push' : d.reason;
  });
  assert.deepEqual(reasons, ['not-a-message', 'headline', 'error', 'no-store', 'carbon', 'muc-subject', 'no-body']);
});

test("a message's identity prefers the user's server stanza-id, then sender and id", () => {
  const user = 'romeo@example.com';
  const withSid = stanza(
    `<message id='a' from='j@x/y'><stanza-id xmlns='urn:xmpp:sid:0' by='other@example.com' id='nope'/><stanza-id xmlns='urn:xmpp:sid:0' by='${user}' id='S1'/></message>`,
  );
  assert.equal(messageIdentity(withSid, user), 'sid\u0000S1');
  assert.equal(messageIdentity(stanza(`<message id='a' from='j@x/y'/>`), user), 'id\u0000j@x/y\u0000a');
  assert.notEqual(
    messageIdentity(stanza(`<message id='a' from='j@x/y'/>`), user),
    messageIdentity(stanza(`<message id='a' from='k@x/y'/>`), user),
    'the same id from two senders is two messages',
  );
  assert.equal(messageIdentity(stanza(`<message from='j@x/y'/>`), user), undefined);
});

test('the summary carries sender and body only when configured', () => {
  const message = { sender: 'j@x/y', body: 'hi' };
  assert.deepEqual(buildSummary(4, message, { includeSender: true, includeBody: true, bodyMaxChars: 10 }), {
    'message-count': 4,
    'last-message-sender': 'j@x/y',
    'last-message-body': 'hi',
  });
  assert.deepEqual(buildSummary(4, message, { includeSender: false, includeBody: true, bodyMaxChars: 10 }), {
    'message-count': 4,
    'last-message-body': 'hi',
  });
  assert.deepEqual(buildSummary(4, message, { includeSender: true, includeBody: false, bodyMaxChars: 10 }), {
    'message-count': 4,
    'last-message-sender': 'j@x/y',
  });
});

test('truncation never splits a surrogate pair', () => {
  assert.equal(truncate('😀😀😀😀', 3), '😀😀…');
  assert.equal(truncate('short', 10), 'short');
});

test('the account disco#info answer lists urn:xmpp:push:0', () => {
  const iq = stanza(
    `<iq type='get' id='d' from='romeo@example.com/a' to='romeo@example.com'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
  );
  assert.equal(isAccountDiscoInfo(iq), true);
  const reply = accountDiscoInfoReply(iq);
  assert.equal(reply.attrs.type, 'result');
  const vars = reply.getChild('query')!.getChildren('feature').map((f) => f.attrs.var);
  assert.ok(vars.includes('urn:xmpp:push:0'));
  assert.equal(reply.getChild('query')!.getChild('identity')!.attrs.category, 'account');
});
