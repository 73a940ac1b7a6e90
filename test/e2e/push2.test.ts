/**
 * Push 2.0 end to end, both roles in one engine: a client registers its device with the App
 * Server (XEP-0050) and enables Push 2.0 with the `sce+rfc8291+rfc8292` profile; a message
 * arrives while it is offline; the notification the XMPP Server role encrypts reaches the App
 * Server, which hands the payload to the simulator untouched — and what the simulator received
 * decrypts, with the client's keys, to the message as it arrived.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { decrypt } from '../../src/crypto/rfc8291/decrypt.js';
import { parseStanza } from '../../src/xmpp/parse.js';
import { eventually } from '../support/eventually.js';
import { TOKEN, withHerald, registerDevice } from './harness.js';

const ALICE = 'alice@localhost/phone';
const BOB = 'bob@localhost/laptop';
let ids = 0;


interface ClientKeys {
  uaPublic: Buffer;
  uaPrivate: Buffer;
  authSecret: Buffer;
}

function clientKeys(): ClientKeys {
  const ua = createECDH('prime256v1');
  ua.generateKeys();
  return { uaPublic: ua.getPublicKey(), uaPrivate: ua.getPrivateKey(), authSecret: randomBytes(16) };
}

/** `<enable xmlns='urn:xmpp:push2:0'>` with one match of `profile` and the sce+rfc8291+rfc8292 send profile. */
function enableIq(service: string, client: string, keys: { uaPublic: string; authSecret: string }, jwtKey?: string, profile = 'important'): Element {
  const send = xml(
    'send',
    { xmlns: 'urn:xmpp:push2:send:sce+rfc8291+rfc8292:0' },
    xml('ua-public', {}, keys.uaPublic),
    xml('auth-secret', {}, keys.authSecret),
  );
  if (jwtKey) send.append(xml('jwt-alg', {}, 'ES256'), xml('jwt-key', {}, jwtKey), xml('jwt-claim', { name: 'aud' }, 'https://push.example.com'));
  return xml(
    'iq',
    { type: 'set', id: `e${++ids}`, from: ALICE, to: 'alice@localhost' },
    xml('enable', { xmlns: 'urn:xmpp:push2:0' }, xml('service', {}, service), xml('client', {}, client), xml('match', { profile: `urn:xmpp:push2:match:${profile}` }, send)),
  );
}

function message(body: string): Element {
  return xml(
    'message',
    { type: 'chat', from: BOB, to: 'alice@localhost', id: `m${++ids}` },
    xml('body', {}, body),
    xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: 'alice@localhost', id: `mam-${ids}` }),
  );
}

/** The message inside an XEP-0420 envelope's XEP-0297 forwarded. */
function forwardedIn(envelope: Buffer): Element {
  const parsed = parseStanza(envelope.toString('utf8'), 65_536);
  assert.equal(parsed.name, 'envelope');
  assert.equal(parsed.attrs.xmlns, 'urn:xmpp:sce:1');
  const forwarded = parsed.getChild('content')?.getChild('forwarded', 'urn:xmpp:forward:0');
  const inner = forwarded?.getChild('message');
  assert.ok(inner, envelope.toString('utf8'));
  return inner;
}

function assertSameMessage(got: Element, sent: Element): void {
  for (const name of ['type', 'from', 'to', 'id']) assert.equal(got.attrs[name], sent.attrs[name], name);
  assert.equal(got.getChildText('body'), sent.getChildText('body'));
  assert.equal(got.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, sent.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, 'the archive id is kept');
}

test('Push 2.0: enable → offline message → encrypted notification → App Server → APNS; the payload decrypts to the message and the JWT verifies', async () => {
  await withHerald({}, async (running) => {
    const client = await registerDevice(running, 'register-push-apns', { token: TOKEN, topic: 'com.example.chat' });
    const keys = clientKeys();
    const jwt = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwtKey = jwt.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const enabled = await running.iq(enableIq('push.localhost', client, { uaPublic: keys.uaPublic.toString('base64'), authSecret: keys.authSecret.toString('base64') }, jwtKey));
    assert.equal(enabled.attrs.type, 'result', enabled.toString());

    const sent = message('But soft, what light through yonder window breaks?');
    await running.herald.handleStanza(sent);
    const [push] = await running.apns!.waitForReceived(1, 5_000);
    const payload = push!.payload as Record<string, unknown> & { aps: { 'mutable-content'?: number } };
    assert.equal(payload.aps['mutable-content'], 1);
    assert.doesNotMatch(JSON.stringify(payload), /yonder|bob@/, 'nothing of the message in clear');

    const opened = decrypt(Buffer.from(payload['push2-payload'] as string, 'base64'), keys.uaPrivate, keys.authSecret);
    assert.ok(opened.ok, opened.ok ? '' : opened.problem);
    assertSameMessage(forwardedIn(opened.plaintext), sent);

    // RFC 8292: signed with the client's key, whose public half rides along.
    const token = payload['push2-jwt'] as string;
    const [header, claims, signature] = token.split('.');
    const publicKey = createPublicKey({ key: jwt.publicKey.export({ format: 'jwk' }), format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from(`${header}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url')));
    assert.deepEqual(Buffer.from(payload['push2-jwt-key'] as string, 'base64'), Buffer.from(jwt.publicKey.export({ format: 'der', type: 'spki' })).subarray(-65));
    const body = JSON.parse(Buffer.from(claims!, 'base64url').toString('utf8')) as { aud: string; sub: string; exp: number };
    assert.equal(body.aud, 'https://push.example.com');
    assert.equal(body.sub, 'xmpp:localhost');
    assert.ok(body.exp > Date.now() / 1_000);
  });
});

test('Push 2.0 to a Web Push subscription: the push service simulator decrypts, with the subscription\u2019s key, the message as it arrived', async () => {
  await withHerald({}, async (running) => {
    const subscription = running.webpush!.createSubscription();
    const client = await registerDevice(running, 'register-push-webpush', { endpoint: subscription.endpoint, ...subscription.keys });
    // The browser's subscription keys are the client's ua-public and auth-secret (base64url, as browsers give them).
    const enabled = await running.iq(enableIq('push.localhost', client, { uaPublic: subscription.keys.p256dh, authSecret: subscription.keys.auth }));
    assert.equal(enabled.attrs.type, 'result', enabled.toString());

    const sent = message('Parting is such sweet sorrow');
    await running.herald.handleStanza(sent);
    const [received] = await running.webpush!.waitForReceived(1, 5_000);
    assert.ok(received!.plaintext, 'the simulator decrypted it');
    assertSameMessage(forwardedIn(received!.plaintext), sent);
    assert.equal(received!.urgency, 'normal', 'an important message');
  });
});

test('Push 2.0 to a Web Push subscription made with the client\u2019s own key: its JWT is the VAPID Authorization the push service checks', async () => {
  await withHerald({ xmpp_server: { push2: { contact_uri: 'mailto:ops@localhost' } } }, async (running) => {
    const jwt = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const clientKey = Buffer.from(jwt.publicKey.export({ format: 'der', type: 'spki' })).subarray(-65);
    // The browser subscribed with the client's key, not Herald's: only a JWT signed by it passes.
    const subscription = running.webpush!.createSubscription({ applicationServerKey: clientKey.toString('base64url') });
    const client = await registerDevice(running, 'register-push-webpush', { endpoint: subscription.endpoint, ...subscription.keys });
    const jwtKey = jwt.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const enable = enableIq('push.localhost', client, { uaPublic: subscription.keys.p256dh, authSecret: subscription.keys.auth }, jwtKey);
    const aud = enable.getChild('enable')!.getChild('match')!.getChild('send')!.getChildren('jwt-claim')[0]!;
    aud.children = [new URL(subscription.endpoint).origin];
    assert.equal((await running.iq(enable)).attrs.type, 'result');

    const sent = message('My bounty is as boundless as the sea');
    await running.herald.handleStanza(sent);
    const [received] = await running.webpush!.waitForReceived(1, 5_000);
    assert.equal(received!.vapidSubject, 'mailto:ops@localhost', "the client's JWT, carrying Herald's contact");
    assertSameMessage(forwardedIn(received!.plaintext!), sent);
  });
});

test('Push 2.0 to a remote push service: the notification leaves as a message; a wait error is retried under a new id, silence is success', async () => {
  const extra = { xmpp_server: { push2: { answer_window_ms: 50, retry_backoff_ms: 1, retry_max_ms: 2 } } };
  await withHerald(extra, async (running) => {
    const keys = clientKeys();
    const enabled = await running.iq(enableIq('push.elsewhere.example', 'their-client', { uaPublic: keys.uaPublic.toString('base64'), authSecret: keys.authSecret.toString('base64') }));
    assert.equal(enabled.attrs.type, 'result', enabled.toString());

    const sent = message('Wherefore art thou');
    await running.herald.handleStanza(sent);
    const notifications = () => running.routed.filter((s) => s.name === 'message' && s.attrs.to === 'push.elsewhere.example');
    await eventually(() => notifications().length === 1, 'the notification is routed');
    const [first] = notifications();
    assert.equal(first!.attrs.from, 'localhost');
    const notification = first!.getChild('notification', 'urn:xmpp:push2:0')!;
    assert.equal(notification.getChildText('client'), 'their-client');
    const payload = notification.getChild('encrypted', 'urn:xmpp:sce:rfc8291:0')!.getChildText('payload')!;
    const opened = decrypt(Buffer.from(payload, 'base64'), keys.uaPrivate, keys.authSecret);
    assert.ok(opened.ok);
    assertSameMessage(forwardedIn(opened.plaintext), sent);

    await running.herald.handleStanza(
      xml('message', { type: 'error', id: first!.attrs.id, from: 'push.elsewhere.example', to: 'localhost' }, xml('error', { type: 'wait' }, xml('resource-constraint', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))),
    );
    await eventually(() => notifications().length === 2, 'the notification is sent again');
    assert.notEqual(notifications()[1]!.attrs.id, first!.attrs.id);
    await eventually(() => running.herald.xmppServer.stats.push2Delivered === 1, 'no error within the window: delivered');
    assert.equal(running.herald.xmppServer.stats.push2Retried, 1);
  });
});

test('a cancel error from a remote push service is not retried', async () => {
  await withHerald({ xmpp_server: { push2: { answer_window_ms: 5_000, retry_backoff_ms: 1, retry_max_ms: 2 } } }, async (running) => {
    const keys = clientKeys();
    await running.iq(enableIq('push.elsewhere.example', 'gone', { uaPublic: keys.uaPublic.toString('base64'), authSecret: keys.authSecret.toString('base64') }));
    await running.herald.handleStanza(message('hello?'));
    const notifications = () => running.routed.filter((s) => s.name === 'message' && s.attrs.to === 'push.elsewhere.example');
    await eventually(() => notifications().length === 1, 'the notification is routed');
    await running.herald.handleStanza(
      xml('message', { type: 'error', id: notifications()[0]!.attrs.id, from: 'push.elsewhere.example', to: 'localhost' }, xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))),
    );
    await eventually(() => running.herald.xmppServer.stats.push2Failed === 1, 'refused for good');
    await running.herald.xmppServer.whenIdle();
    assert.equal(notifications().length, 1);
    assert.equal(running.herald.xmppServer.stats.push2Retried, 0);
  });
});
