/**
 * Push 2.0, App Server role, end to end: a device registered by command, then a
 * `<notification xmlns='urn:xmpp:push2:0'>` message from the user's server to the engine reaches
 * the APNS, FCM and Web Push simulators with its payload untouched; outcomes come back as
 * `<message type='error'>` with the notification's id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { encrypt } from '../../src/push-service/webpush/encrypt.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { TOKEN, TOKEN2, withHerald, registerDevice, type Running } from './harness.js';

let ids = 0;


/** Sends the notification; resolves with the error routed back for its id, or undefined (delivered). */
async function notify(running: Running, client: string, o: { priority?: string; payload?: Buffer; voip?: boolean } = {}): Promise<Element | undefined> {
  const id = `n${++ids}`;
  const children = [xml('client', {}, client), xml('priority', {}, o.priority ?? 'high')];
  if (o.voip) children.push(xml('voip'));
  if (o.payload) children.push(xml('encrypted', { xmlns: 'urn:xmpp:sce:rfc8291:0' }, xml('payload', {}, o.payload.toString('base64'))));
  await running.herald.handleStanza(xml('message', { to: 'push.localhost', from: 'localhost', id }, xml('notification', { xmlns: 'urn:xmpp:push2:0' }, ...children)));
  return running.routed.find((s) => s.attrs.id === id);
}

const errorOf = (reply: Element | undefined) => (reply ? `${StanzaError.fromStanza(reply).type}/${StanzaError.fromStanza(reply).condition}` : 'delivered');

test('APNS gets a mutable-content alert carrying the payload byte for byte, and a VoIP push for <voip/>', async () => {
  await withHerald({}, async (running) => {
    const client = await registerDevice(running, 'register-push-apns', { token: TOKEN, topic: 'com.example.chat' });
    const body = randomBytes(600);
    assert.equal(errorOf(await notify(running, client, { payload: body })), 'delivered');
    assert.equal(errorOf(await notify(running, client, { payload: body, voip: true })), 'delivered');
    const [alert, voip] = await running.apns!.waitForReceived(2, 5_000);
    const payload = alert!.payload as { aps: Record<string, unknown>; 'push2-payload': string };
    assert.equal(payload.aps['mutable-content'], 1);
    assert.deepEqual(Buffer.from(payload['push2-payload'], 'base64'), body);
    assert.equal(alert!.headers['apns-priority'], '10');
    assert.equal(voip!.headers['apns-push-type'], 'voip');
    assert.equal(voip!.headers['apns-topic'], 'com.example.chat.voip');
    assert.deepEqual(Buffer.from((voip!.payload as { 'push2-payload': string })['push2-payload'], 'base64'), body);
  });
});

test('FCM gets a data message carrying the payload byte for byte', async () => {
  await withHerald({}, async (running) => {
    const client = await registerDevice(running, 'register-push-fcm', { token: 'fcm-device-1' });
    const body = randomBytes(500);
    assert.equal(errorOf(await notify(running, client, { payload: body, priority: 'low' })), 'delivered');
    const [got] = await running.fcm!.waitForReceived(1, 5_000);
    const message = got!.message as { data: Record<string, string>; android: { priority: string; notification?: unknown } };
    assert.equal(message.android.notification, undefined);
    assert.equal(message.android.priority, 'normal', 'low → normal');
    assert.deepEqual(Buffer.from(message.data['push2-payload']!, 'base64'), body);
  });
});

test("Web Push gets the sender's RFC 8291 body untouched: the subscription decrypts the sender's plaintext; notify-only is an empty push", async () => {
  await withHerald({}, async (running) => {
    const sim = running.webpush!;
    const subscription = sim.createSubscription();
    const client = await registerDevice(running, 'register-push-webpush', { endpoint: subscription.endpoint, ...subscription.keys });
    const plaintext = '<forwarded xmlns="urn:xmpp:forward:0">a stanza only the device reads</forwarded>';
    assert.equal(errorOf(await notify(running, client, { payload: encrypt(plaintext, subscription), priority: 'low' })), 'delivered');
    assert.equal(errorOf(await notify(running, client)), 'delivered');
    const [sealed, empty] = await sim.waitForReceived(2, 5_000);
    assert.equal(sealed!.plaintext?.toString('utf8'), plaintext);
    assert.equal(sealed!.urgency, 'low');
    assert.equal(empty!.plaintext?.length, 0);
    assert.equal(empty!.urgency, 'high');
  });
});

test('an unknown client, a wrong secret and a dead device are answered cancel/item-not-found; a provider refusing for now, wait', async () => {
  await withHerald({}, async (running) => {
    const client = await registerDevice(running, 'register-push-apns', { token: TOKEN, 'device-id': 'one' });
    const [node, secret] = client.split('.');
    assert.equal(errorOf(await notify(running, `${node}.${'x'.repeat(secret!.length)}`)), 'cancel/item-not-found');
    assert.equal(errorOf(await notify(running, `nothing.${secret}`)), 'cancel/item-not-found');
    running.apns!.program(TOKEN, { status: 410, reason: 'Unregistered' });
    assert.equal(errorOf(await notify(running, client)), 'cancel/item-not-found');
    const busy = await registerDevice(running, 'register-push-apns', { token: TOKEN2, 'device-id': 'two' });
    running.apns!.program(TOKEN2, { status: 429, reason: 'TooManyRequests' });
    assert.equal(errorOf(await notify(running, busy)), 'wait/resource-constraint');
  });
});

test('malformed notifications are answered modify/bad-request and the engine keeps serving', async () => {
  await withHerald({}, async (running) => {
    const client = await registerDevice(running, 'register-push-apns', { token: TOKEN });
    for (const [i, inner] of ['<priority>now</priority>', "<encrypted xmlns='urn:xmpp:sce:rfc8291:0'><payload>@@</payload></encrypted>", '<jwt>a.b.c</jwt>', ''].entries()) {
      const id = `bad${i}`;
      const text = `<message to='push.localhost' from='localhost' id='${id}'><notification xmlns='urn:xmpp:push2:0'>${inner === '' ? '' : `<client>${client}</client>`}${inner}</notification></message>`;
      await running.herald.handleStanza(text);
      assert.equal(errorOf(running.routed.find((s) => s.attrs.id === id)), 'modify/bad-request', inner);
    }
    assert.equal(errorOf(await notify(running, client)), 'delivered');
    await running.apns!.waitForReceived(1, 5_000);
  });
});
