import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startFcmSimulator, type FcmSimulator } from '../../../src/simulators/fcm/index.js';
import { DEVICE, accessToken, connectTo, fcmErrorCode, post, send } from './fcm-test-client.js';

describe('FCM simulator: messages:send', () => {
  let sim: FcmSimulator;
  let client: ClientHttp2Session;
  let token: string;
  let clockOffsetMs = 0;
  before(async () => {
    sim = await startFcmSimulator({ projectId: 'herald-test', clock: () => Date.now() + clockOffsetMs });
    client = await connectTo(sim);
  });
  beforeEach(async () => {
    clockOffsetMs = 0;
    sim.reset();
    token = await accessToken(client, sim);
  });
  after(async () => {
    client.close();
    await sim.close();
  });

  const valid = { message: { token: DEVICE, notification: { title: 'Hi', body: 'there' }, data: { k: 'v' } } };

  test('a valid message with a valid access token is answered 200 with its name and recorded', async () => {
    const answer = await send(client, sim, token, valid);
    assert.equal(answer.status, 200);
    assert.match(answer.json?.name as string, /^projects\/herald-test\/messages\/[0-9a-f]+$/);
    const [received] = await sim.waitForReceived(1);
    assert.equal(received?.token, DEVICE);
    assert.deepEqual(received?.message, valid.message);
    assert.equal(received?.name, answer.json?.name);
    assert.equal(sim.stats.accepted, 1);
  });

  test('a topic message with android ttl and priority is accepted', async () => {
    const message = { topic: 'news', android: { ttl: '3.5s', priority: 'high', collapse_key: 'c' } };
    assert.equal((await send(client, sim, token, { message })).status, 200);
    assert.equal(sim.received[0]?.token, '');
  });

  test('validate_only is answered 200 but not delivered', async () => {
    const answer = await send(client, sim, token, { ...valid, validate_only: true });
    assert.equal(answer.status, 200);
    assert.equal(sim.received.length, 0);
    assert.equal(sim.stats.validated, 1);
  });

  test('a send without an access token is 401 UNAUTHENTICATED', async () => {
    const answer = await send(client, sim, undefined, valid);
    assert.equal(answer.status, 401);
    assert.equal(answer.json?.error?.code, 401);
    assert.equal(answer.json?.error?.status, 'UNAUTHENTICATED');
    assert.equal(sim.stats.rejectedByCode.UNAUTHENTICATED, 1);
    assert.equal(sim.received.length, 0);
  });

  test('a send with an access token the simulator never issued is 401 UNAUTHENTICATED', async () => {
    const answer = await send(client, sim, 'ya29.made-up', valid);
    assert.equal(answer.status, 401);
    assert.equal(answer.json?.error?.status, 'UNAUTHENTICATED');
  });

  test('an access token is 401 UNAUTHENTICATED once the clock passes its expiry', async () => {
    assert.equal((await send(client, sim, token, valid)).status, 200);
    clockOffsetMs = 3_600_000;
    const answer = await send(client, sim, token, valid);
    assert.equal(answer.status, 401);
    assert.equal(answer.json?.error?.status, 'UNAUTHENTICATED');
  });

  test('a send to another project is 403 SENDER_ID_MISMATCH', async () => {
    const answer = await send(client, sim, token, valid, 'someone-else');
    assert.equal(answer.status, 403);
    assert.equal(answer.json?.error?.status, 'PERMISSION_DENIED');
    assert.equal(fcmErrorCode(answer), 'SENDER_ID_MISMATCH');
  });

  const invalid: Array<[string, object | string]> = [
    ['a number among the data values', { message: { token: DEVICE, data: { count: 3 } } }],
    ['a message with both token and topic', { message: { token: DEVICE, topic: 'news' } }],
    ['a message without any target', { message: { notification: { title: 'x' } } }],
    ['an android ttl beyond 28 days', { message: { token: DEVICE, android: { ttl: '2419201s' } } }],
    ['an android ttl without its unit', { message: { token: DEVICE, android: { ttl: '3600' } } }],
    ['an unknown android priority', { message: { token: DEVICE, android: { priority: 'urgent' } } }],
    ['a message over 4096 bytes', { message: { token: DEVICE, data: { blob: 'x'.repeat(4100) } } }],
    ['a body far over the limit', { message: { token: DEVICE, data: { blob: 'x'.repeat(100_000) } } }],
    ['a body that is not JSON', '{"message":'],
    ['a body without message', { validate_only: false }],
  ];
  for (const [what, body] of invalid) {
    test(`${what} is 400 INVALID_ARGUMENT with the FcmError detail`, async () => {
      const answer = await send(client, sim, token, body);
      assert.equal(answer.status, 400);
      assert.equal(answer.json?.error?.code, 400);
      assert.equal(answer.json?.error?.status, 'INVALID_ARGUMENT');
      assert.equal(fcmErrorCode(answer), 'INVALID_ARGUMENT');
      assert.equal(sim.received.length, 0);
      assert.equal(sim.rejected[0]?.code, 'INVALID_ARGUMENT');
    });
  }

  test('a message of exactly 4096 bytes is accepted', async () => {
    const skeleton = JSON.stringify({ token: DEVICE, data: { blob: '' } });
    const message = { token: DEVICE, data: { blob: 'x'.repeat(4096 - skeleton.length) } };
    assert.equal(Buffer.byteLength(JSON.stringify(message)), 4096);
    assert.equal((await send(client, sim, token, { message })).status, 200);
  });

  test('an unknown path is 404 and a GET on messages:send is 405', async () => {
    assert.equal((await post(client, '/v1/elsewhere', '')).status, 404);
    const get = await new Promise<number>((resolve) => {
      const stream = client.request({ ':method': 'GET', ':path': `/v1/projects/${sim.projectId}/messages:send` });
      stream.on('response', (h) => resolve(Number(h[':status'])));
      stream.resume();
      stream.end();
    });
    assert.equal(get, 405);
  });
});
