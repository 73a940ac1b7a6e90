/**
 * The App Server inside a whole Herald, against the bundled APNS simulator on port 0: what
 * reaches Apple for each kind of publish, the rate limit under a burst, the dead-device notice
 * routed through the host, and a restart of Herald on the same store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { CALL_SUMMARY_FIELD } from '../../src/xmpp/push-publish.js';
import { chat, cleanup, configIn, createNodeIq, enableIq, nextId, startHerald, TOKEN, TOKEN2, tempDir, withHerald } from '../e2e/harness.js';
import { answerOf, commandField, commandIq, errorOf, publishIq, stanza } from './harness.js';

const ALICE = 'alice@localhost/phone';
const BOB = 'bob@localhost/laptop';
const TOPIC = 'com.example.chat';

/** A publish IQ from alice's server (`localhost`, so authorised as the owner's server) with a fresh id. */
function publish(node: string, options: Record<string, string>, summary: Record<string, string>, from = 'localhost'): Element {
  const el = stanza(publishIq(node, options, summary, from));
  el.attrs.id = nextId();
  return el;
}

function withId(text: string): Element {
  const el = stanza(text);
  el.attrs.id = nextId();
  return el;
}

test('a body becomes an alert at priority 10, no body a background push at priority 5, a call a VoIP push', async () => {
  await withHerald({}, async ({ iq, apns }) => {
    const sim = apns!;
    await iq(createNodeIq(ALICE, 'kinds'));
    const options = { service: 'apns', device_id: TOKEN, topic: TOPIC };

    assert.equal((await iq(publish('kinds', options, { 'message-count': '1', 'last-message-sender': BOB, 'last-message-body': 'hi' }))).attrs.type, 'result');
    assert.equal((await iq(publish('kinds', options, { 'message-count': '2' }))).attrs.type, 'result');
    assert.equal((await iq(publish('kinds', options, { 'message-count': '3', [CALL_SUMMARY_FIELD]: 'call-7' }))).attrs.type, 'result');

    const [alert, background, call] = await sim.waitForReceived(3, 5_000);
    assert.deepEqual([alert!.headers['apns-push-type'], alert!.headers['apns-priority'], alert!.topic], ['alert', '10', TOPIC]);
    assert.deepEqual((alert!.payload as { aps: unknown }).aps, { alert: { title: BOB, body: 'hi' }, badge: 1, 'thread-id': BOB });

    assert.deepEqual([background!.headers['apns-push-type'], background!.headers['apns-priority']], ['background', '5']);
    assert.deepEqual(background!.payload, { aps: { 'content-available': 1 }, 'message-count': 2 });

    assert.deepEqual([call!.headers['apns-push-type'], call!.headers['apns-priority'], call!.topic], ['voip', '10', `${TOPIC}.voip`]);
    assert.equal((call!.payload as Record<string, unknown>)['call-id'], 'call-7');
  });
});

test('a Jingle call to an offline user reaches the phone as a VoIP push through the XMPP Server role', async () => {
  await withHerald({}, async ({ herald, iq, apns }) => {
    await iq(createNodeIq(ALICE, 'phone'));
    assert.equal((await iq(enableIq(ALICE, 'phone', { service: 'apns', device_id: TOKEN, topic: TOPIC }))).attrs.type, 'result');
    await herald.handleStanza(
      `<message type='chat' id='jmi1' from='${BOB}' to='alice@localhost'><propose xmlns='urn:xmpp:jingle-message:0' id='sess-1'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></propose><store xmlns='urn:xmpp:hints'/></message>`,
    );
    const [push] = await apns!.waitForReceived(1, 5_000);
    assert.equal(push!.headers['apns-push-type'], 'voip');
    assert.equal(push!.topic, `${TOPIC}.voip`);
    assert.equal((push!.payload as Record<string, unknown>)['call-id'], 'sess-1');
  });
});

test('sender and body stay on the server when forward_sender and forward_body are off', async () => {
  await withHerald({ app_server: { forward_sender: false, forward_body: false, default_alert_body: 'Open the app' } }, async ({ iq, apns }) => {
    await iq(createNodeIq(ALICE, 'private'));
    await iq(publish('private', { service: 'apns', device_id: TOKEN }, { 'message-count': '4', 'last-message-sender': BOB, 'last-message-body': 'secret plans' }));
    const [push] = await apns!.waitForReceived(1, 5_000);
    assert.deepEqual((push!.payload as { aps: unknown }).aps, { alert: { title: 'New message', body: 'Open the app' }, badge: 4 });
    assert.ok(!JSON.stringify(push!.payload).includes('secret plans'));
    assert.ok(!JSON.stringify(push!.payload).includes('bob@'));
  });
});

test('a burst of publishes to one node becomes exactly the configured number of APNS requests; the rest are answered wait/resource-constraint', async () => {
  const LIMIT = 2;
  const BURST = 25;
  await withHerald({ app_server: { rate_limit_per_node: LIMIT, rate_limit_interval_ms: 60_000 } }, async ({ iq, apns }) => {
    await iq(createNodeIq(ALICE, 'busy'));
    const summary = { 'message-count': '1', 'last-message-body': 'ping' };
    const replies = await Promise.all(Array.from({ length: BURST }, () => iq(publish('busy', { service: 'apns', device_id: TOKEN }, summary))));
    const answers = replies.map(answerOf);
    assert.equal(answers.filter((a) => a === 'result').length, LIMIT);
    assert.equal(answers.filter((a) => a === 'wait/resource-constraint').length, BURST - LIMIT);
    // Every accepted publish was answered after the simulator answered it; refused ones never left.
    assert.equal(apns!.received.length, LIMIT);
    assert.equal(apns!.stats.rejected, 0);
  });
});

test('a dead device is answered device-not-registered and the affiliation notice goes out through the host', async () => {
  await withHerald({}, async ({ herald, iq, routed, apns }) => {
    apns!.program(TOKEN2, { status: 410, reason: 'Unregistered' });
    await iq(createNodeIq(ALICE, 'dead'));
    await iq(
      withId(
        `<iq type='set' from='${ALICE}' to='push.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><affiliations node='dead'><affiliation jid='localhost' affiliation='publish-only'/></affiliations></pubsub></iq>`,
      ),
    );
    const reply = await iq(publish('dead', { service: 'apns', device_id: TOKEN2 }, { 'last-message-body': 'hello?' }));
    assert.equal(errorOf(reply), 'cancel/not-acceptable+device-not-registered');
    // The notice follows the error reply, on the next turn; a headline, so never stored or pushed.
    const replyAt = routed.indexOf(reply);
    await new Promise((r) => setImmediate(r));
    const notices = routed.filter((s) => s.name === 'message');
    assert.equal(notices.length, 1);
    assert.ok(routed.indexOf(notices[0]!) > replyAt, 'notice after the reply');
    assert.equal(
      notices[0]!.toString(),
      `<message from="push.localhost" to="alice@localhost" type="headline"><pubsub xmlns="http://jabber.org/protocol/pubsub" node="dead"><affiliation jid="localhost" affiliation="none"/></pubsub></message>`,
    );
    assert.deepEqual((await herald.appServer.node('dead'))?.affiliations, { 'alice@localhost': 'owner' });
  });
});

test('closing Herald and starting it again on the same store keeps nodes, affiliations, configuration and secrets', async () => {
  const dir = tempDir();
  const config = configIn(dir);
  let registered: { node: string; secret: string };
  const first = await startHerald(config);
  try {
    await first.iq(createNodeIq(ALICE, 'kept'));
    await first.iq(
      withId(
        `<iq type='set' from='${ALICE}' to='push.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><affiliations node='kept'><affiliation jid='pusher.example' affiliation='publish-only'/></affiliations></pubsub></iq>`,
      ),
    );
    await first.iq(
      withId(
        `<iq type='set' from='${ALICE}' to='push.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='kept'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field><field var='pubsub#publish_model'><value>open</value></field></x></configure></pubsub></iq>`,
      ),
    );
    const reply = await first.iq(withId(commandIq('register-push-apns', { from: ALICE, fields: { token: TOKEN, topic: TOPIC, 'device-id': 'ios-1' } })));
    registered = { node: commandField(reply, 'node')!, secret: commandField(reply, 'secret')! };
    assert.ok(registered.node && registered.secret, reply.toString());
  } finally {
    await first.close();
  }

  const second = await startHerald(config);
  try {
    const kept = await second.herald.appServer.node('kept');
    assert.deepEqual(kept?.affiliations, { 'alice@localhost': 'owner', 'pusher.example': 'publish-only' });
    assert.equal(kept?.publishModel, 'open');
    assert.equal((await second.herald.appServer.node(registered.node))?.secret, registered.secret);

    // The secret still opens the registered node, for a server that is not alice's.
    const viaSecret = await second.iq(publish(registered.node, { secret: registered.secret }, { 'last-message-body': 'after restart' }, 'elsewhere.example'));
    assert.equal(viaSecret.attrs.type, 'result');
    const [push] = await second.apns!.waitForReceived(1, 5_000);
    assert.equal(push!.token, TOKEN);
    assert.equal(push!.topic, TOPIC);
  } finally {
    await second.close();
    cleanup(dir);
  }
});

test('a device registered by command and enabled with only the secret gets the pushes of an offline user', async () => {
  await withHerald({}, async ({ herald, iq, apns }) => {
    const reply = await iq(withId(commandIq('register-push-apns', { from: ALICE, fields: { token: TOKEN, topic: TOPIC } })));
    const node = commandField(reply, 'node')!;
    const secret = commandField(reply, 'secret')!;
    assert.equal((await iq(enableIq(ALICE, node, { secret }))).attrs.type, 'result');
    await herald.handleStanza(chat(BOB, 'alice@localhost', 'Wherefore art thou?'));
    const [push] = await apns!.waitForReceived(1, 5_000);
    assert.equal(push!.token, TOKEN);
    assert.equal(push!.topic, TOPIC);
    assert.equal((push!.payload as { aps: { alert: { body: string } } }).aps.alert.body, 'Wherefore art thou?');
  });
});
