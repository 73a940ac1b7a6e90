import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encrypt } from '../../src/push-service/webpush/encrypt.js';
import { generateVapidKeys } from '../../src/push-service/webpush/vapid-keys.js';
import { startWebPushSimulator, type WebPushSimulator } from '../../src/simulators/webpush/index.js';
import { APP_SERVER_KEYS, connectTo, onWebPushSimulator, post, push, type Answer } from './webpush-test-client.js';

/** Status, autopush errno and the reason recorded. */
const refusal = (answer: Answer, sim: WebPushSimulator) => ({ status: answer.status, errno: answer.json?.errno, reason: sim.rejected.at(-1)?.reason });

describe('Web Push simulator: what a push service refuses', () => {
  const on = onWebPushSimulator();

  test('a subscription it never made is 404 (errno 102); a removed one is 410 Gone (errno 103)', async () => {
    const made = on.sim.createSubscription();
    const unknown = { ...made, endpoint: `${on.sim.url}/push/never-made` };
    assert.deepEqual(refusal(await push(on.client, unknown, { payload: 'x' }), on.sim), { status: 404, errno: 102, reason: 'not-found' });
    assert.equal(on.sim.removeSubscription(made.endpoint), true);
    const gone = await push(on.client, made, { payload: 'x' });
    assert.deepEqual(refusal(gone, on.sim), { status: 410, errno: 103, reason: 'gone' });
    assert.equal(gone.json?.code, 410);
    assert.equal(on.sim.stats.subscriptions, 0);
  });

  test('no VAPID is 401; VAPID for another origin, expired, or over 24 h ahead is 403 (RFC 8292 §4.2)', async () => {
    const s = on.sim.createSubscription();
    const nowS = Math.floor(Date.now() / 1_000);
    assert.deepEqual(refusal(await push(on.client, s, { payload: 'x', headers: { authorization: undefined } }), on.sim), { status: 401, errno: 109, reason: 'missing-vapid' });
    for (const request of [{ audience: 'https://push.example.net' }, { expiry: nowS - 10 }, { expiry: nowS + 25 * 3_600 }]) {
      assert.deepEqual(refusal(await push(on.client, s, { payload: 'x', ...request }), on.sim), { status: 403, errno: 109, reason: 'bad-vapid' }, JSON.stringify(request));
    }
    assert.equal(on.sim.received.length, 0);
  });

  test('a subscription restricted to an application server key refuses VAPID by another key with 403', async () => {
    const restricted = on.sim.createSubscription({ applicationServerKey: APP_SERVER_KEYS.publicKey });
    const other = await push(on.client, restricted, { payload: 'x', keys: generateVapidKeys() });
    assert.deepEqual(refusal(other, on.sim), { status: 403, errno: 109, reason: 'bad-vapid' });
    assert.match(other.json?.message, /applicationServerKey/);
    assert.equal((await push(on.client, restricted, { payload: 'x' })).status, 201);
  });

  test('with requireVapid off, an unrestricted subscription takes pushes without VAPID (autopush legacy)', async () => {
    const lax = await startWebPushSimulator({ requireVapid: false });
    const session = await connectTo(lax);
    try {
      const answer = await push(session, lax.createSubscription(), { payload: 'x', headers: { authorization: undefined } });
      assert.equal(answer.status, 201);
      assert.equal((await lax.waitForReceived(1))[0]?.vapidSubject, undefined);
    } finally {
      session.close();
      await lax.close();
    }
  });

  test('TTL missing is 400 errno 111, unreadable 400 errno 112; a Topic over 32 characters 400 errno 113 (RFC 8030 §5)', async () => {
    const s = on.sim.createSubscription();
    assert.deepEqual(refusal(await push(on.client, s, { payload: 'x', headers: { ttl: undefined } }), on.sim), { status: 400, errno: 111, reason: 'missing-ttl' });
    assert.deepEqual(refusal(await push(on.client, s, { payload: 'x', headers: { ttl: '-5' } }), on.sim), { status: 400, errno: 112, reason: 'invalid-ttl' });
    assert.deepEqual(refusal(await push(on.client, s, { payload: 'x', headers: { topic: 't'.repeat(33) } }), on.sim), { status: 400, errno: 113, reason: 'invalid-topic' });
  });

  test('a payload without Content-Encoding, or in another coding, is 400', async () => {
    const s = on.sim.createSubscription();
    assert.deepEqual(refusal(await push(on.client, s, { payload: 'x', headers: { 'content-encoding': undefined } }), on.sim), { status: 400, errno: 111, reason: 'missing-encoding' });
    assert.deepEqual(refusal(await push(on.client, s, { payload: 'x', headers: { 'content-encoding': 'aesgcm' } }), on.sim), { status: 400, errno: 110, reason: 'unsupported-encoding' });
  });

  test('a body over 4096 bytes is 413 (errno 104)', async () => {
    const s = on.sim.createSubscription();
    const body = Buffer.concat([encrypt('x', s), Buffer.alloc(4_096)]);
    assert.deepEqual(refusal(await push(on.client, s, { body }), on.sim), { status: 413, errno: 104, reason: 'too-large' });
  });

  test('other paths are 404 and other methods 405, with a JSON body', async () => {
    const s = on.sim.createSubscription();
    assert.equal((await push(on.client, { ...s, endpoint: `${on.sim.url}/v1/send` }, { payload: 'x' })).status, 404);
    const get = await post(on.client, new URL(s.endpoint).pathname, '', { ':method': 'PUT' });
    assert.equal(get.status, 405);
    assert.equal(get.json?.error, 'Method Not Allowed');
  });
});
