import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IqTracker } from '../../src/xmpp/iq-tracker.js';
import type { PushPublish } from '../../src/xmpp/push-publish.js';
import { buildPublishStanza } from '../../src/xmpp-server/publish-stanza.js';
import { StanzaPublisher } from '../../src/xmpp-server/stanza-publisher.js';
import { stanza } from './harness.js';

const PUBLISH: PushPublish = {
  from: 'example.com',
  to: 'pubsub.example.net',
  node: 'yxs32uqsflafdk3iuqo',
  summary: {
    'message-count': 1,
    'last-message-sender': 'juliet@capulet.example/balcony',
    'last-message-body': 'Wherefore art thou, Romeo?',
  },
  publishOptions: { service: 'apns', device_id: 'TOKEN' },
};

const EXPECTED = `<iq type='set' from='example.com' to='pubsub.example.net' id='p1'>
  <pubsub xmlns='http://jabber.org/protocol/pubsub'>
    <publish node='yxs32uqsflafdk3iuqo'>
      <item>
        <notification xmlns='urn:xmpp:push:0'>
          <x xmlns='jabber:x:data' type='submit'>
            <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:push:summary</value></field>
            <field var='message-count'><value>1</value></field>
            <field var='last-message-sender'><value>juliet@capulet.example/balcony</value></field>
            <field var='last-message-body'><value>Wherefore art thou, Romeo?</value></field>
          </x>
        </notification>
      </item>
    </publish>
    <publish-options>
      <x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
        <field var='service'><value>apns</value></field>
        <field var='device_id'><value>TOKEN</value></field>
      </x>
    </publish-options>
  </pubsub>
</iq>`.replace(/>\s+</g, '><');

test('the notification publish is built exactly as XEP-0357 shows it', () => {
  assert.equal(buildPublishStanza(PUBLISH, 'p1').toString(), stanza(EXPECTED).toString());
});

test('absent summary fields are left out and empty publish-options are not sent', () => {
  const iq = buildPublishStanza({ ...PUBLISH, summary: { 'message-count': 3 }, publishOptions: {} }, 'p2');
  const pubsub = iq.getChild('pubsub')!;
  assert.equal(pubsub.getChild('publish-options'), undefined);
  const form = pubsub.getChild('publish')!.getChild('item')!.getChild('notification')!.getChild('x')!;
  assert.deepEqual(
    form.getChildren('field').map((f) => [f.attrs.var, f.getChildText('value')]),
    [
      ['FORM_TYPE', 'urn:xmpp:push:summary'],
      ['message-count', '3'],
    ],
  );
});

test('body text with markup characters is escaped, not injected', () => {
  const iq = buildPublishStanza({ ...PUBLISH, summary: { 'last-message-body': "</value><evil/> & 'x'" } }, 'p3');
  const reparsed = stanza(iq.toString());
  const field = reparsed.getChild('pubsub')!.getChild('publish')!.getChild('item')!.getChild('notification')!.getChild('x')!.getChildren('field')[1]!;
  assert.equal(field.getChildText('value'), "</value><evil/> & 'x'");
});

/** A stand-in App Server on the other end of `send`: answers each publish by `reply`. */
function loopback(reply: (iq: ReturnType<typeof stanza>) => string | undefined) {
  const tracker = new IqTracker({ timeoutMs: 50, maxOutstanding: 10 });
  const sent: string[] = [];
  const publisher = new StanzaPublisher(tracker, (iq) => {
    sent.push(iq.toString());
    const answer = reply(iq);
    // The answer crosses the wire as text, like a real stream.
    if (answer) setImmediate(() => tracker.handleResponse(stanza(answer)));
  });
  return { publisher, sent, tracker };
}

test('a stanza publisher reports a result as ok', async () => {
  const { publisher, sent } = loopback((iq) => `<iq type='result' from='pubsub.example.net' to='example.com' id='${iq.attrs.id}'/>`);
  assert.deepEqual(await publisher.publish(PUBLISH), { ok: true });
  assert.equal(sent.length, 1);
});

test("a stanza publisher reports the App Server's error as it was sent", async () => {
  const { publisher } = loopback(
    (iq) =>
      `<iq type='error' from='pubsub.example.net' id='${iq.attrs.id}'><error type='cancel'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><device-not-registered xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>`,
  );
  const result = await publisher.publish(PUBLISH);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.error.type, 'cancel');
    assert.equal(result.error.condition, 'not-acceptable');
    assert.equal(result.error.appCondition?.name, 'device-not-registered');
  }
});

test('a stanza publisher reports silence as wait/remote-server-timeout', async () => {
  const { publisher, tracker } = loopback(() => undefined);
  const result = await publisher.publish(PUBLISH);
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(`${result.error.type}/${result.error.condition}`, 'wait/remote-server-timeout');
  assert.equal(tracker.outstanding, 0);
});

test('a stanza publisher ignores an answer from another JID than the pubsub service', async () => {
  const { publisher } = loopback((iq) => `<iq type='result' from='mallory.example' id='${iq.attrs.id}'/>`);
  const result = await publisher.publish(PUBLISH);
  assert.equal(result.ok, false, 'the spoofed answer did not count');
});
