import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NS } from '../../src/xmpp/namespaces.js';
import { ask, commandField, commandIq, errorOf, harnessForSuite, NS_COMMANDS, OWNER, publishIq, registerDevice, SERVICE } from './harness.js';

const APNS_TOKEN = 'ab'.repeat(32);
const FCM_TOKEN = 'fcm-token:APA91b-example_1';
const DOMAIN = 'example.com';

const discoItems = (node: string) =>
  `<iq type='get' id='d1' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='http://jabber.org/protocol/disco#items' node='${node}'/></iq>`;
const discoInfo = (node: string) =>
  `<iq type='get' id='d2' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='http://jabber.org/protocol/disco#info' node='${node}'/></iq>`;

describe('registering devices by ad-hoc commands (XEP-0050)', () => {
  const h = harnessForSuite();
  beforeEach(() => {
    h.dispatcher.sent.length = 0;
  });

  it('lists its commands in disco#items of the commands node and describes each as a command node', async () => {
    const items = await ask(h.role, discoItems(NS_COMMANDS));
    const listed = items.getChild('query', 'http://jabber.org/protocol/disco#items')?.getChildren('item') ?? [];
    assert.deepEqual(
      listed.map((i) => [i.attrs.jid, i.attrs.node]),
      [
        [SERVICE, 'register-push-apns'],
        [SERVICE, 'register-push-fcm'],
        [SERVICE, 'register-push-webpush'],
        [SERVICE, 'unregister-push'],
      ],
    );
    assert.ok(listed.every((i) => typeof i.attrs.name === 'string' && i.attrs.name.length > 0));
    const info = await ask(h.role, discoInfo('register-push-fcm'));
    assert.deepEqual(info.getChild('query', NS.DISCO_INFO)?.getChild('identity')?.attrs.category, 'automation');
    assert.deepEqual(info.getChild('query', NS.DISCO_INFO)?.getChild('identity')?.attrs.type, 'command-node');
    const service = await ask(h.role, `<iq type='get' id='d3' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    assert.ok(service.getChild('query', NS.DISCO_INFO)?.getChildren('feature').some((f) => f.attrs.var === NS_COMMANDS));
  });

  it('walks execute → form → complete: a sessionid, the form with a required token, then jid, node and secret', async () => {
    const first = await ask(h.role, commandIq('register-push-apns', { action: 'execute' }));
    const command = first.getChild('command', NS_COMMANDS)!;
    assert.equal(command.attrs.status, 'executing');
    assert.equal(command.attrs.node, 'register-push-apns');
    const sessionid = command.attrs.sessionid as string;
    assert.ok(sessionid.length >= 16);
    assert.equal(command.getChild('actions')?.attrs.execute, 'complete');
    const form = command.getChild('x', NS.DATA)!;
    assert.equal(form.attrs.type, 'form');
    assert.ok(form.getChildren('field').find((f) => f.attrs.var === 'token')?.getChild('required'));

    const done = await ask(h.role, commandIq('register-push-apns', { action: 'complete', sessionid, fields: { token: APNS_TOKEN, topic: 'com.example.app' } }));
    const result = done.getChild('command', NS_COMMANDS)!;
    assert.equal(result.attrs.status, 'completed');
    assert.equal(result.attrs.sessionid, sessionid);
    assert.equal(result.getChild('x', NS.DATA)?.attrs.type, 'result');
    assert.equal(commandField(done, 'jid'), SERVICE);
    const node = commandField(done, 'node')!;
    const secret = commandField(done, 'secret')!;
    assert.ok(node.length >= 32 && secret.length >= 24);

    const record = (await h.role.node(node))!;
    assert.equal(record.owner, OWNER);
    assert.equal(record.secret, secret);
    assert.deepEqual(record.device, { service: 'apns', token: APNS_TOKEN, topic: 'com.example.app' });
    assert.deepEqual(record.affiliations, { [OWNER]: 'owner', [DOMAIN]: 'publish-only' }, "the requester's server may publish");
  });

  it('completes at once when the first execute carries the form, as p2 clients send it', async () => {
    const reply = await ask(h.role, commandIq('register-push-fcm', { fields: { token: FCM_TOKEN, 'android-id': 'a1b2c3' } }));
    assert.equal(reply.getChild('command', NS_COMMANDS)?.attrs.status, 'completed');
    const node = commandField(reply, 'node')!;
    assert.deepEqual((await h.role.node(node))?.device, { service: 'fcm', token: FCM_TOKEN });
  });

  it('sends a publish carrying only the secret to the registered device', async () => {
    const { node, secret } = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'iphone-1', mode: 'dev', topic: 'com.example.app' });
    const reply = await ask(h.role, publishIq(node, { secret }, { 'message-count': '1', 'last-message-body': 'hi' }, 'stranger.example'));
    assert.equal(reply.attrs.type, 'result');
    assert.deepEqual(h.dispatcher.sent, [
      { service: 'apns', device_id: APNS_TOKEN, mode: 'dev', topic: 'com.example.app', alert: { title: 'New message', body: 'hi', badge: 1 } },
    ]);
  });

  it("lets the requester's server publish to the registered node without the secret, but nobody else", async () => {
    const { node } = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'iphone-2' });
    assert.equal((await ask(h.role, publishIq(node, {}, { 'last-message-body': 'hi' }, DOMAIN))).attrs.type, 'result');
    assert.equal(errorOf(await ask(h.role, publishIq(node, {}, { 'last-message-body': 'hi' }, 'stranger.example'))), 'auth/forbidden');
    assert.equal(errorOf(await ask(h.role, publishIq(node, { secret: 'guess' }, { 'last-message-body': 'hi' }, 'stranger.example'))), 'auth/forbidden');
    assert.equal(h.dispatcher.sent.length, 1);
  });

  it('gives the same device the same node and secret again, with the new token', async () => {
    const first = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'iphone-3' });
    const again = await registerDevice(h.role, { token: 'cd'.repeat(32), 'device-id': 'iphone-3' });
    assert.deepEqual([again.node, again.secret], [first.node, first.secret]);
    assert.equal((await h.role.node(first.node))?.device?.token, 'cd'.repeat(32));
    const other = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'iphone-3' }, { from: 'bob@example.com/pad' });
    assert.notEqual(other.node, first.node, "another account's device is another node");
  });

  it('unregisters one node, one device, or every registration of the requester, and nothing of anyone else', async () => {
    const a = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'u-1' }, { from: 'carol@example.com/a' });
    const b = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'u-2' }, { from: 'carol@example.com/a' });
    const c = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'u-3' }, { from: 'carol@example.com/a' });
    const d = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'u-4' }, { from: 'dave@example.com/a' });

    const byNode = await ask(h.role, commandIq('unregister-push', { from: 'carol@example.com/b', fields: { node: a.node } }));
    assert.equal(byNode.getChild('command', NS_COMMANDS)?.attrs.status, 'completed');
    assert.equal(byNode.getChild('command', NS_COMMANDS)?.getChildText('note'), 'Removed 1 push registration.');
    assert.equal(await h.role.node(a.node), undefined);

    const notMine = await ask(h.role, commandIq('unregister-push', { from: 'carol@example.com/b', fields: { node: d.node } }));
    assert.equal(notMine.getChild('command', NS_COMMANDS)?.getChildText('note'), 'Removed 0 push registrations.');
    assert.ok(await h.role.node(d.node));

    await ask(h.role, commandIq('unregister-push', { from: 'carol@example.com/b', fields: { 'device-id': 'u-2' } }));
    assert.equal(await h.role.node(b.node), undefined);

    const all = await ask(h.role, commandIq('unregister-push', { from: 'carol@example.com/b' }));
    assert.equal(all.getChild('command', NS_COMMANDS)?.getChildText('note'), 'Removed 1 push registration.');
    assert.equal(await h.role.node(c.node), undefined);
    assert.ok(await h.role.node(d.node));
  });

  it('does not remove a node the requester created through XEP-0060 when unregistering everything', async () => {
    await ask(h.role, `<iq type='set' id='c1' from='erin@example.com/x' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='erins-own'/></pubsub></iq>`);
    await ask(h.role, commandIq('unregister-push', { from: 'erin@example.com/x' }));
    assert.ok(await h.role.node('erins-own'));
  });

  it('keeps registered nodes, their devices and secrets across a restart', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'durable' });
    await h.restart();
    assert.equal((await h.role.node(reg.node))?.secret, reg.secret);
    const again = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'durable' });
    assert.deepEqual([again.node, again.secret], [reg.node, reg.secret], 'the node name key survived, too');
    assert.equal((await ask(h.role, publishIq(reg.node, { secret: reg.secret }, { 'last-message-body': 'x' }, 'stranger.example'))).attrs.type, 'result');
  });
});

describe('the errors of the registration commands', () => {
  const h = harnessForSuite({ config: { app_server: { command_session_timeout_ms: 60_000 } } });

  const open = async (from?: string) =>
    (await ask(h.role, commandIq('register-push-apns', { from }))).getChild('command', NS_COMMANDS)!.attrs.sessionid as string;

  it('answers an unknown command with cancel/item-not-found', async () => {
    assert.equal(errorOf(await ask(h.role, commandIq('delete-everything'))), 'cancel/item-not-found');
  });

  it('answers an action it does not know with modify/bad-request and malformed-action', async () => {
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { action: 'jump' }))), 'modify/bad-request+malformed-action');
  });

  it('answers prev and next, which no stage offers, with modify/bad-request and bad-action', async () => {
    const sessionid = await open();
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { action: 'next', sessionid }))), 'modify/bad-request+bad-action');
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { action: 'prev', sessionid }))), 'modify/bad-request+bad-action');
  });

  it('answers an unusable form with modify/bad-request and bad-payload, leaving the session open for a corrected one', async () => {
    const sessionid = await open();
    const bad: Array<{ fields: Record<string, string>; formType?: string }> = [
      { fields: { 'device-id': 'x' } },
      { fields: { token: 'has space' } },
      { fields: { token: APNS_TOKEN, mode: 'staging' } },
      { fields: { token: APNS_TOKEN }, formType: 'result' },
      { fields: {} },
    ];
    for (const { fields, formType } of bad) {
      const reply = await ask(h.role, commandIq('register-push-apns', { action: 'complete', sessionid, fields, formType }));
      assert.equal(errorOf(reply), 'modify/bad-request+bad-payload', JSON.stringify(fields));
    }
    const fcmTopic = await ask(h.role, commandIq('register-push-fcm', { fields: { token: FCM_TOKEN, topic: 'com.example' } }));
    assert.equal(errorOf(fcmTopic), 'modify/bad-request+bad-payload');
    const late = await ask(h.role, commandIq('register-push-apns', { action: 'complete', sessionid, fields: { token: APNS_TOKEN } }));
    assert.equal(late.getChild('command', NS_COMMANDS)?.attrs.status, 'completed');
  });

  it('answers complete without a session or a form with modify/bad-request and bad-payload', async () => {
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { action: 'complete' }))), 'modify/bad-request+bad-payload');
  });

  it("answers an unknown sessionid, or another requester's, with modify/bad-request and bad-sessionid", async () => {
    assert.equal(
      errorOf(await ask(h.role, commandIq('register-push-apns', { sessionid: 'made-up', fields: { token: APNS_TOKEN } }))),
      'modify/bad-request+bad-sessionid',
    );
    const sessionid = await open(`${OWNER}/phone`);
    const stolen = await ask(h.role, commandIq('register-push-apns', { from: 'mallory@example.com/x', sessionid, fields: { token: APNS_TOKEN } }));
    assert.equal(errorOf(stolen), 'modify/bad-request+bad-sessionid');
    const otherCommand = await ask(h.role, commandIq('register-push-fcm', { sessionid, fields: { token: FCM_TOKEN } }));
    assert.equal(errorOf(otherCommand), 'modify/bad-request+bad-sessionid');
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { action: 'cancel' }))), 'modify/bad-request+bad-sessionid');
  });

  it('cancels a session, then answers its sessionid with cancel/not-allowed and session-expired', async () => {
    const sessionid = await open();
    const canceled = await ask(h.role, commandIq('register-push-apns', { action: 'cancel', sessionid }));
    assert.equal(canceled.getChild('command', NS_COMMANDS)?.attrs.status, 'canceled');
    const after = await ask(h.role, commandIq('register-push-apns', { action: 'complete', sessionid, fields: { token: APNS_TOKEN } }));
    assert.equal(errorOf(after), 'cancel/not-allowed+session-expired');
  });

  it('answers a completed session, and one left beyond the session timeout, with cancel/not-allowed and session-expired', async () => {
    const done = await open();
    await ask(h.role, commandIq('register-push-apns', { sessionid: done, fields: { token: APNS_TOKEN } }));
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { sessionid: done, fields: { token: APNS_TOKEN } }))), 'cancel/not-allowed+session-expired');

    const stale = await open();
    h.advance(60_000);
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { sessionid: stale, fields: { token: APNS_TOKEN } }))), 'cancel/not-allowed+session-expired');
  });

  it('answers a requester that is not a user account with cancel/forbidden', async () => {
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { from: 'example.com', fields: { token: APNS_TOKEN } }))), 'cancel/forbidden');
  });

  it('answers a command sent as an IQ get with cancel/bad-request', async () => {
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns').replace("type='set'", "type='get'"))), 'cancel/bad-request');
  });

  it('answers a command without a node with modify/bad-request', async () => {
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns').replace("node='register-push-apns'", ''))), 'modify/bad-request');
  });
});

describe('a service without the registration commands', () => {
  const h = harnessForSuite({ config: { app_server: { registration_commands: false } } });

  it('answers commands with cancel/service-unavailable and does not advertise them', async () => {
    assert.equal(errorOf(await ask(h.role, commandIq('register-push-apns', { fields: { token: APNS_TOKEN } }))), 'cancel/service-unavailable');
    const service = await ask(h.role, `<iq type='get' id='d3' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    assert.ok(!service.getChild('query', NS.DISCO_INFO)?.getChildren('feature').some((f) => f.attrs.var === NS_COMMANDS));
    assert.equal(errorOf(await ask(h.role, discoItems(NS_COMMANDS))), 'cancel/item-not-found');
  });
});
