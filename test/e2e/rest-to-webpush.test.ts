/**
 * Web Push end to end: REST (v3, service "webpush") and the App Server (publish-options
 * service=webpush) → Herald's Web Push sender → the bundled Web Push service simulator, which
 * checks the VAPID token and decrypts each push with the subscription's private key, as a browser would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PushSubscription } from '../../src/simulators/webpush/index.js';
import { chat, createNodeIq, enableIq, postJson, withHerald, type Running } from './harness.js';
import { openRestSession, sampleValue } from './rest-session.js';

const ALERT = { title: 'alice@localhost', body: 'OH, HAI!' };
const SUBJECT = 'mailto:ops@herald.example';

/** REST on, and a VAPID subject of the test's own (the simulator records the token's sub). */
const restOn = (dir: string) => ({
  rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
  webpush: { vapid_key_file: join(dir, 'vapid.pem'), vapid_subject: SUBJECT },
});

/** `POST /v3/notification/{endpoint}` with the subscription's keys beside the body. */
function pushTo(running: Running & { dir: string }, subscription: PushSubscription, body: Record<string, unknown>) {
  const ca = readFileSync(join(running.dir, 'tls', 'cert.pem'), 'utf8');
  const path = `/v3/notification/${encodeURIComponent(subscription.endpoint)}`;
  return postJson(running.herald.rest!.url, ca, path, { service: 'webpush', ...subscription.keys, ...body });
}

async function metric(running: Running & { dir: string }, series: string): Promise<number | undefined> {
  const session = openRestSession(running.herald.rest!.url, readFileSync(join(running.dir, 'tls', 'cert.pem'), 'utf8'));
  try {
    return sampleValue((await session.request('GET', '/metrics')).body, series);
  } finally {
    session.close();
  }
}

test('a v3 webpush request reaches the subscription encrypted: the simulator decrypts exactly the payload Herald built, with TTL, Urgency, Topic and VAPID', async () => {
  await withHerald(restOn, async (running) => {
    const sim = running.webpush!;
    const subscription = sim.createSubscription();
    const answer = await pushTo(running, subscription, { alert: ALERT, data: { room: 'r1' }, time_to_live: 60, priority: 'high', topic: 'chat-r1' });
    assert.deepEqual(answer, { status: 200, body: 'null' });
    const [push] = await sim.waitForReceived(1, 5_000);
    assert.deepEqual(JSON.parse(push!.plaintext!.toString('utf8')), { ...ALERT, data: { room: 'r1' } });
    assert.equal(push!.ttl, 60);
    assert.equal(push!.urgency, 'high');
    assert.equal(push!.topic, 'chat-r1');
    assert.equal(push!.vapidSubject, SUBJECT);
  });
});

test('a subscription gone (410) is answered as an unregistered device, and the metric counts it', async () => {
  await withHerald(restOn, async (running) => {
    const sim = running.webpush!;
    const removed = sim.createSubscription();
    sim.removeSubscription(removed.endpoint);
    assert.deepEqual(await pushTo(running, removed, { alert: ALERT }), { status: 410, body: '{"reason":"unregistered"}' });
    const unknown = sim.createSubscription();
    sim.program(unknown.endpoint, 'not-found');
    assert.deepEqual(await pushTo(running, unknown, { alert: ALERT }), { status: 410, body: '{"reason":"unregistered"}' }, '404 as 410');
    assert.equal(await metric(running, 'herald_push_rejected_total{service="webpush",pool="webpush",reason="unregistered"}'), 2);
  });
});

test('a 429 with Retry-After is retried by the retry policy, then delivered', async () => {
  await withHerald(restOn, async (running) => {
    const sim = running.webpush!;
    const subscription = sim.createSubscription();
    sim.program(subscription.endpoint, { refusal: 'too-many-requests', retryAfterSeconds: 1, times: 1 });
    assert.deepEqual(await pushTo(running, subscription, { alert: ALERT }), { status: 200, body: 'null' });
    const id = subscription.endpoint.slice(subscription.endpoint.lastIndexOf('/') + 1);
    assert.equal(sim.attempts(id), 2, 'refused once, accepted on the retry');
    assert.equal(sim.received.length, 1);
  });
});

test('bad subscription fields are refused naming the field (a malformed key 422 at its pointer, an endpoint that is no https URL 400), and a payload over one record 413', async () => {
  await withHerald(restOn, async (running) => {
    const sim = running.webpush!;
    const subscription = sim.createSubscription();
    const badKey = await pushTo(running, subscription, { alert: ALERT, p256dh: 'not-a-key' });
    assert.equal(badKey.status, 422);
    assert.deepEqual(
      JSON.parse(badKey.body).errors.map((e: { source: { pointer: string } }) => e.source.pointer),
      ['/p256dh'],
    );
    const { auth: _auth, ...withoutAuth } = subscription.keys;
    const ca = readFileSync(join(running.dir, 'tls', 'cert.pem'), 'utf8');
    const missing = await postJson(running.herald.rest!.url, ca, `/v3/notification/${encodeURIComponent(subscription.endpoint)}`, {
      service: 'webpush',
      ...withoutAuth,
      alert: ALERT,
    });
    assert.equal(missing.status, 422);
    assert.match(missing.body, /"pointer":"\/auth".*Missing field: auth/);
    const plainHttp = { ...subscription, endpoint: subscription.endpoint.replace('https:', 'http:') };
    assert.deepEqual(await pushTo(running, plainHttp, { alert: ALERT }), { status: 400, body: '{"reason":"invalid_request"}' });
    // RFC 8291 §4: one record of 4096 octets carries at most 3993 of payload.
    const tooLarge = await pushTo(running, subscription, { alert: ALERT, data: { text: 'x'.repeat(4_000) } });
    assert.deepEqual(tooLarge, { status: 413, body: '{"reason":"payload_too_large"}' });
    assert.equal(sim.received.length + sim.rejected.length, 0, 'nothing reached the push service');
  });
});

test('an App Server publish whose publish-options say service=webpush is pushed to the subscription', async () => {
  const ALICE = 'alice@localhost/browser';
  await withHerald(restOn, async ({ herald, iq, webpush }) => {
    const sim = webpush!;
    const subscription = sim.createSubscription();
    assert.equal((await iq(createNodeIq(ALICE, 'web-1'))).attrs.type, 'result');
    const options = { service: 'webpush', device_id: subscription.endpoint, ...subscription.keys };
    assert.equal((await iq(enableIq(ALICE, 'web-1', options))).attrs.type, 'result');
    herald.sessionAvailable(ALICE);
    herald.sessionUnavailable(ALICE);
    await herald.handleStanza(chat('bob@localhost/laptop', 'alice@localhost', 'Wherefore art thou?'));
    const [push] = await sim.waitForReceived(1, 5_000);
    const payload = JSON.parse(push!.plaintext!.toString('utf8')) as { title: string; body: string };
    assert.equal(payload.body, 'Wherefore art thou?');
    assert.equal(payload.title, 'bob@localhost/laptop');
  });
});
