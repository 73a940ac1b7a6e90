import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pushDecision } from '../../src/xmpp-server/push-policy.js';
import { buildPublishStanza } from '../../src/xmpp-server/publish-stanza.js';
import { buildSummary } from '../../src/xmpp-server/summary.js';
import { parsePublishRequest } from '../../src/app-server/publish-request.js';
import { CALL_SUMMARY_FIELD } from '../../src/xmpp/push-publish.js';
import { stanza } from './harness.js';

const PROPOSE = `<propose xmlns='urn:xmpp:jingle-message:0' id='sess-9'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></propose>`;

test('a Jingle Message Initiation propose deserves a push even without a body, marked as a call', () => {
  assert.deepEqual(pushDecision(stanza(`<message type='chat'>${PROPOSE}<store xmlns='urn:xmpp:hints'/></message>`)), { push: true, call: 'sess-9' });
  assert.deepEqual(pushDecision(stanza(`<message type='chat'><body>Call me</body>${PROPOSE}</message>`)), { push: true, body: 'Call me', call: 'sess-9' });
});

test('other Jingle Message Initiation messages, and a propose without an id, are not calls', () => {
  const retract = pushDecision(stanza(`<message type='chat'><retract xmlns='urn:xmpp:jingle-message:0' id='sess-9'/></message>`));
  assert.deepEqual(retract, { push: false, reason: 'no-body' });
  const anonymous = pushDecision(stanza(`<message type='chat'><propose xmlns='urn:xmpp:jingle-message:0'/></message>`));
  assert.deepEqual(anonymous, { push: false, reason: 'no-body' });
});

test('the call mark travels in the summary form and is read back by the App Server', () => {
  const summary = buildSummary(2, { sender: 'bob@localhost/x', call: 'sess-9' }, { includeSender: true, includeBody: true, bodyMaxChars: 100 });
  assert.deepEqual(summary, { 'message-count': 2, 'last-message-sender': 'bob@localhost/x', call: 'sess-9' });
  const iq = buildPublishStanza({ from: 'localhost', to: 'push.example', node: 'n', summary, publishOptions: { secret: 's' } }, 'p1');
  const field = iq.getChild('pubsub')?.getChild('publish')?.getChild('item')?.getChild('notification')?.getChild('x')
    ?.getChildren('field').find((f) => f.attrs.var === CALL_SUMMARY_FIELD);
  assert.equal(field?.getChildText('value'), 'sess-9');
  assert.deepEqual(parsePublishRequest(stanza(iq.toString()), 'push.example').summary, summary);
});
