/**
 * The App Server's Push 2.0 entry: a `<notification xmlns='urn:xmpp:push2:0'>` message (or the
 * deliverPush2 value) to a device registered by command reaches the push service through the
 * node's actor, and every outcome or fault comes back as the `<message type='error'>` it deserves.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { ask, commandIq, errorOf, harnessForSuite, publishIq, rejectionOf, registerDevice, SERVICE, stanza, type Harness } from './harness.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { NS } from '../../src/xmpp/namespaces.js';

const APNS_TOKEN = 'ab'.repeat(32);
const DOMAIN = 'example.com';
const PAYLOAD = randomBytes(300).toString('base64');
const JWT_KEY = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64');
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln';
/** A subscription's keys in the shapes browsers give them (any 65-octet point passes the form's check). */
const P256DH = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url');
const AUTH = randomBytes(16).toString('base64url');

let ids = 0;
function notification(client: string, inner = '', o: { from?: string; type?: string } = {}): string {
  const type = o.type ? ` type='${o.type}'` : '';
  return `<message to='${SERVICE}' from='${o.from ?? DOMAIN}' id='p${++ids}'${type}><notification xmlns='urn:xmpp:push2:0'><client>${client}</client>${inner}</notification></message>`;
}
const sealed = (payload = PAYLOAD) => `<encrypted xmlns='urn:xmpp:sce:rfc8291:0'><payload>${payload}</payload></encrypted>`;

/** The role's answer to a message: undefined when delivered, else the error reply. */
function send(h: Harness, text: string): Promise<Element | undefined> {
  return h.role.handleMessage(stanza(text));
}

describe('Push 2.0 notifications to the App Server', () => {
  const h = harnessForSuite({ config: { app_server: { rate_limit_per_node: 3, rate_limit_interval_ms: 60_000 } } });
  beforeEach(() => {
    h.dispatcher.sent.length = 0;
    h.advance(60_000); // a fresh rate limit window for each test
  });

  it('answers every registration with a client string naming the node and carrying the secret', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'client-1' });
    assert.equal(reg.client, `${reg.node}.${reg.secret}`);
  });

  it('delivers the payload untouched to APNS as a mutable-content alert, jwt beside it, low priority at apns-priority 5', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'apns-1', topic: 'com.example.chat' });
    assert.equal(await send(h, notification(reg.client, `<priority>high</priority>${sealed()}<jwt key='${JWT_KEY}'>${JWT}</jwt>`)), undefined);
    assert.equal(await send(h, notification(reg.client, `<priority>low</priority>${sealed()}`)), undefined);
    const alert = { title: 'New message', body: 'You have a new message' };
    assert.deepEqual(h.dispatcher.sent, [
      {
        service: 'apns', device_id: APNS_TOKEN, mode: 'prod', topic: 'com.example.chat', priority: 'high', alert, mutable_content: true,
        data: { 'push2-priority': 'high', 'push2-payload': PAYLOAD, 'push2-jwt': JWT, 'push2-jwt-key': JWT_KEY },
      },
      {
        service: 'apns', device_id: APNS_TOKEN, mode: 'prod', topic: 'com.example.chat', priority: 'normal', alert, mutable_content: true,
        data: { 'push2-priority': 'low', 'push2-payload': PAYLOAD },
      },
    ]);
  });

  it('sends <voip/> as a VoIP push to the .voip topic, without an alert', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'apns-voip', topic: 'com.example.chat' });
    assert.equal(await send(h, notification(reg.client, `<priority>high</priority><voip/>${sealed()}`)), undefined);
    assert.deepEqual(h.dispatcher.sent, [
      { service: 'apns', device_id: APNS_TOKEN, mode: 'prod', topic: 'com.example.chat.voip', priority: 'high', voip: true, data: { 'push2-priority': 'high', 'push2-payload': PAYLOAD } },
    ]);
  });

  it('sends FCM a data message, high priority unless low', async () => {
    const reg = await registerDevice(h.role, { token: 'fcm-token-1' }, { command: 'register-push-fcm' });
    await send(h, notification(reg.client, `<priority>normal</priority>${sealed()}`));
    await send(h, notification(reg.client, '<priority>low</priority>'));
    assert.deepEqual(h.dispatcher.sent, [
      { service: 'fcm', device_id: 'fcm-token-1', mode: 'prod', priority: 'high', data: { 'push2-priority': 'normal', 'push2-payload': PAYLOAD } },
      { service: 'fcm', device_id: 'fcm-token-1', mode: 'prod', priority: 'normal', data: { 'push2-priority': 'low' } },
    ]);
  });

  it('registers a Web Push subscription and hands it the payload as a ready body with its urgency; notify-only is an empty one', async () => {
    const endpoint = 'https://push.example.net/wpush/v2/abc';
    const reg = await registerDevice(h.role, { endpoint, p256dh: P256DH, auth: AUTH }, { command: 'register-push-webpush' });
    assert.deepEqual((await h.role.node(reg.node))?.device, { service: 'webpush', token: endpoint, keys: { p256dh: P256DH, auth: AUTH } });
    await send(h, notification(reg.client, `<priority>low</priority>${sealed()}`));
    await send(h, notification(reg.client, '<priority>high</priority>'));
    const keys = { p256dh: P256DH, auth: AUTH };
    assert.deepEqual(h.dispatcher.sent, [
      { service: 'webpush', device_id: endpoint, mode: 'prod', keys, ready_body: PAYLOAD, urgency: 'low' },
      { service: 'webpush', device_id: endpoint, mode: 'prod', keys, ready_body: '', urgency: 'high' },
    ]);
    // The same registration serves XEP-0357: a publish with only the secret reaches the subscription.
    assert.equal((await ask(h.role, publishIq(reg.node, { secret: reg.secret }, { 'last-message-body': 'hi' }))).attrs.type, 'result');
    assert.deepEqual(h.dispatcher.sent[2], { service: 'webpush', device_id: endpoint, mode: 'prod', keys, alert: { title: 'New message', body: 'hi' } });
  });

  it('refuses a bad Web Push field naming it, as XEP-0050 bad-payload', async () => {
    const fields = { endpoint: 'https://push.example.net/x', p256dh: P256DH, auth: AUTH };
    for (const [name, bad, said] of [
      ['endpoint', 'http://push.example.net/x', /endpoint is not an https URL/],
      ['p256dh', 'not-a-key', /p256dh must be a base64url uncompressed P-256 point/],
      ['auth', 'short', /auth must be a base64url 16-octet secret/],
    ] as const) {
      const reply = await ask(h.role, commandIq('register-push-webpush', { action: 'execute', fields: { ...fields, [name]: bad } }));
      assert.equal(errorOf(reply), 'modify/bad-request+bad-payload', name);
      assert.match(StanzaError.fromStanza(reply).text ?? '', said);
    }
  });

  it('answers an unknown client and a wrong secret alike: cancel/item-not-found, nothing sent', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'guarded' });
    const answers = [
      await send(h, notification(`${reg.node}.${'A'.repeat(reg.secret.length)}`)),
      await send(h, notification(`unknown-node.${reg.secret}`)),
      await send(h, notification('no-separator')),
    ];
    for (const reply of answers) {
      assert.equal(errorOf(reply!), 'cancel/item-not-found');
      assert.equal(StanzaError.fromStanza(reply!).text, 'no push route for this client');
    }
    assert.deepEqual(answers[0]!.attrs, { type: 'error', id: `p${ids - 2}`, to: DOMAIN, from: SERVICE }, 'the same id, back to the sender');
    assert.equal(h.dispatcher.sent.length, 0);
  });

  it("answers a dead device cancel/item-not-found and ends the server's affiliation (XEP-0357 §8)", async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'dead' });
    h.dispatcher.answer({ ok: false, reason: 'unregistered', status: 410, providerReason: 'Unregistered' });
    h.routed.length = 0;
    assert.equal(errorOf((await send(h, notification(reg.client, sealed())))!), 'cancel/item-not-found');
    assert.deepEqual((await h.role.node(reg.node))?.affiliations, { 'alice@example.com': 'owner' });
  });

  it('answers wait when the provider rate limits or cannot be reached, and when the node is over its own rate', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'busy' });
    h.dispatcher.answer({ ok: false, reason: 'too_many_requests', status: 429 }, { ok: false, reason: 'request_timeout' });
    assert.equal(errorOf((await send(h, notification(reg.client)))!), 'wait/resource-constraint');
    assert.equal(errorOf((await send(h, notification(reg.client)))!), 'wait/remote-server-timeout');
    assert.equal(await send(h, notification(reg.client)), undefined);
    assert.equal(errorOf((await send(h, notification(reg.client)))!), 'wait/resource-constraint', 'rate_limit_per_node = 3');
    assert.equal(h.dispatcher.sent.length, 3);
  });

  it('answers a too large payload modify/not-acceptable', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'large' });
    h.dispatcher.answer({ ok: false, reason: 'payload_too_large' });
    assert.equal(errorOf((await send(h, notification(reg.client, sealed())))!), 'modify/not-acceptable');
  });

  it('answers malformed notifications modify/bad-request; other messages and error messages not at all', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'malformed' });
    for (const inner of ['<priority>asap</priority>', sealed('%%%'), `<jwt>${JWT}</jwt>`, '<client>second</client>']) {
      assert.equal(errorOf((await send(h, notification(reg.client, inner)))!), 'modify/bad-request', inner);
    }
    assert.equal(errorOf((await send(h, notification('')))!), 'modify/bad-request');
    const plain = await send(h, `<message to='${SERVICE}' from='${DOMAIN}' id='m1'><body>hi</body></message>`);
    assert.equal(plain, undefined, 'a chat line to the service is dropped unanswered: no error reflected per message');
    assert.equal(await send(h, notification(reg.client, '<priority>asap</priority>', { type: 'error' })), undefined);
    assert.equal(h.dispatcher.sent.length, 0);
  });

  it('takes the same notification as a value (deliverPush2), throwing the StanzaError a message would carry', async () => {
    const reg = await registerDevice(h.role, { token: APNS_TOKEN, 'device-id': 'value' });
    const value = { to: SERVICE, from: DOMAIN, id: 'v1', client: reg.client, priority: 'normal' as const, encrypted: PAYLOAD };
    await h.role.deliverPush2(value);
    assert.equal(h.dispatcher.sent.at(-1)?.data?.['push2-payload'], PAYLOAD);
    assert.equal(await rejectionOf(h.role.deliverPush2({ ...value, client: `${reg.node}.wrong` })), 'cancel/item-not-found');
  });

  it('keeps the XEP-0357 result form valid: a data form with jid, node, secret and client', async () => {
    const reply = await ask(h.role, commandIq('register-push-apns', { action: 'execute', fields: { token: APNS_TOKEN, 'device-id': 'form' } }));
    const fields = reply.getChild('command', 'http://jabber.org/protocol/commands')?.getChild('x', NS.DATA)?.getChildren('field').map((f) => f.attrs.var);
    assert.deepEqual(fields, ['jid', 'node', 'secret', 'client']);
  });
});
