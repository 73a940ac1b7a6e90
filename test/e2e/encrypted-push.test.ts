/**
 * Tigase `tigase:push:encrypt:0` end to end: a client enables with a key, a message arrives for
 * it offline, and what the APNS / FCM simulator received decrypts with that key to the message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { TOKEN, chat, createNodeIq, enableIq, withHerald } from './harness.js';
import { openPushContent } from '../../src/xmpp/push-encryption.js';
import { eventually } from '../support/eventually.js';

const ALICE = 'alice@localhost/phone';
const BOB = 'bob@localhost/laptop';
const KEY = randomBytes(16).toString('base64');

/** enableIq plus Tigase's `<encrypt/>` (encrypt §4.2 example 3). */
function encryptedEnableIq(node: string, options: Record<string, string>, pubsub = 'push.localhost'): Element {
  const iq = enableIq(ALICE, node, options);
  const enable = iq.getChild('enable')!;
  enable.attrs.jid = pubsub;
  enable.append(xml('encrypt', { xmlns: 'tigase:push:encrypt:0', alg: 'aes-128-gcm' }, KEY));
  return iq;
}

interface ApnsEncrypted {
  aps: { alert: { title: string; body: string }; 'mutable-content'?: number };
  encrypted: string;
  iv: string;
  account?: string;
}

test('an encrypted registration reaches APNS as ciphertext that decrypts, with the key, to the message', async () => {
  await withHerald({}, async ({ herald, iq, apns }) => {
    assert.equal((await iq(createNodeIq(ALICE, 'enc-1'))).attrs.type, 'result');
    const enabled = await iq(encryptedEnableIq('enc-1', { service: 'apns', device_id: TOKEN, topic: 'com.example.chat' }));
    assert.equal(enabled.attrs.type, 'result', enabled.toString());

    await herald.handleStanza(chat(BOB, 'alice@localhost', 'Wherefore art thou, Romeo?'));
    const [push] = await apns!.waitForReceived(1, 5_000);
    const payload = push!.payload as ApnsEncrypted;
    assert.equal(push!.headers['apns-push-type'], 'alert');
    assert.equal(payload.aps['mutable-content'], 1, 'the Notification Service Extension must run to decrypt');
    assert.equal(payload.aps.alert.title, 'New message', 'a generic title: nothing of the message in clear');
    assert.doesNotMatch(JSON.stringify(payload), /Romeo|bob@/);
    assert.equal(payload.account, 'alice@localhost', "the node's owner: whose key the app decrypts with");
    assert.deepEqual(openPushContent({ iv: payload.iv, payload: payload.encrypted }, KEY), {
      unread: 1,
      type: 'chat',
      sender: 'bob@localhost',
      message: 'Wherefore art thou, Romeo?',
    });
  });
});

test('an encrypted registration reaches FCM as data fields only, which decrypt to the message', async () => {
  await withHerald({}, async ({ herald, iq, fcm }) => {
    await iq(createNodeIq(ALICE, 'enc-2'));
    assert.equal((await iq(encryptedEnableIq('enc-2', { service: 'fcm', device_id: 'fcm-device-1' }))).attrs.type, 'result');

    await herald.handleStanza(chat(BOB, 'alice@localhost', 'A plague o’ both your houses!'));
    const [got] = await fcm!.waitForReceived(1, 5_000);
    const message = got!.message as { data: Record<string, string>; android: { priority: string; notification?: unknown } };
    assert.equal(message.android.notification, undefined, 'the app shows it once decrypted');
    assert.equal(message.android.priority, 'high');
    const content = openPushContent({ iv: message.data.iv!, payload: message.data.encrypted! }, KEY);
    assert.equal(content.sender, 'bob@localhost');
    assert.equal(content.message, 'A plague o’ both your houses!');
  });
});

test('the publish to another App Server holds no plaintext, and our App Server forwards it unread to APNS', async () => {
  await withHerald({}, async ({ herald, iq, apns, routed }) => {
    const enabled = await iq(encryptedEnableIq('enc-3', { service: 'apns', device_id: TOKEN }, 'push.elsewhere.example'));
    assert.equal(enabled.attrs.type, 'result', enabled.toString());

    await herald.handleStanza(chat(BOB, 'alice@localhost', 'Parting is such sweet sorrow'));
    let publish: Element | undefined;
    await eventually(() => (publish = routed.find((s) => s.attrs.to === 'push.elsewhere.example')) !== undefined, 'the publish is routed');
    // That App Server accepts it (else the engine waits for its answer when closing).
    await herald.handleStanza(xml('iq', { type: 'result', id: publish!.attrs.id, from: 'push.elsewhere.example', to: publish!.attrs.from }));
    const text = publish!.toString();
    assert.doesNotMatch(text, /sorrow|bob@/, 'neither body nor sender in clear');
    const notification = publish!.getChild('pubsub')!.getChild('publish')!.getChild('item')!.getChild('notification')!;
    assert.equal(notification.getChild('x'), undefined, 'no summary form (encrypt §4.4)');
    const encrypted = notification.getChild('encrypted', 'tigase:push:encrypt:0')!;
    assert.equal(openPushContent({ iv: encrypted.attrs.iv as string, payload: encrypted.getText() }, KEY).message, 'Parting is such sweet sorrow');

    // The same stanza, as another XMPP server would send it, to this engine's App Server.
    await iq(createNodeIq(ALICE, 'enc-3'));
    publish!.attrs.to = 'push.localhost';
    publish!.attrs.id = 'forwarded-1';
    const answer = await iq(publish!);
    assert.equal(answer.attrs.type, 'result', answer.toString());
    const [push] = await apns!.waitForReceived(1, 5_000);
    const payload = push!.payload as ApnsEncrypted;
    assert.equal(payload.encrypted, encrypted.getText(), 'forwarded as it came');
    assert.equal(payload.iv, encrypted.attrs.iv);
  });
});
