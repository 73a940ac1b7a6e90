import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startFcmSimulator, type FcmSimulator } from '../../../src/simulators/fcm/index.js';
import { DEVICE, accessToken, connectTo, fcmErrorCode, send, sendPath } from './fcm-test-client.js';

describe('FCM simulator: programmed outcomes and the quota', () => {
  let sim: FcmSimulator;
  let client: ClientHttp2Session;
  let token: string;
  let now = Date.now();
  before(async () => {
    sim = await startFcmSimulator({ quota: { messages: 3, windowMs: 60_000 }, clock: () => now });
  });
  beforeEach(async () => {
    now += 120_000; // a fresh quota window for each test
    sim.reset();
    client = await connectTo(sim);
    token = await accessToken(client, sim);
  });
  after(async () => {
    client.close();
    await sim.close();
  });

  const message = (device = DEVICE): object => ({ message: { token: device, data: { a: 'b' } } });

  test('a token programmed UNREGISTERED is answered 404 with the FcmError detail', async () => {
    sim.program(DEVICE, 'UNREGISTERED');
    const answer = await send(client, sim, token, message());
    assert.equal(answer.status, 404);
    assert.equal(answer.json?.error?.status, 'NOT_FOUND');
    assert.equal(fcmErrorCode(answer), 'UNREGISTERED');
    assert.equal(sim.rejected[0]?.token, DEVICE);
    assert.equal(sim.stats.rejectedByCode.UNREGISTERED, 1);
    assert.equal((await send(client, sim, token, message('other-device'))).status, 200);
  });

  test('a program with times applies that many times, then the token is accepted again', async () => {
    sim.program(DEVICE, { errorCode: 'UNAVAILABLE', retryAfterSeconds: 7, times: 1 });
    const first = await send(client, sim, token, message());
    assert.equal(first.status, 503);
    assert.equal(first.headers['retry-after'], '7');
    assert.equal(fcmErrorCode(first), 'UNAVAILABLE');
    assert.equal((await send(client, sim, token, message())).status, 200);
  });

  test('clearPrograms forgets every program', async () => {
    sim.program(DEVICE, 'INTERNAL');
    assert.equal((await send(client, sim, token, message())).status, 500);
    sim.clearPrograms();
    assert.equal((await send(client, sim, token, message())).status, 200);
  });

  test('the quota bucket answers 429 QUOTA_EXCEEDED with Retry-After once spent, and refills with the window', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await send(client, sim, token, message())).status, 200);
    now += 10_000;
    const refused = await send(client, sim, token, message());
    assert.equal(refused.status, 429);
    assert.equal(fcmErrorCode(refused), 'QUOTA_EXCEEDED');
    assert.equal(refused.json?.error?.status, 'RESOURCE_EXHAUSTED');
    assert.equal(refused.headers['retry-after'], '50');
    now += 50_000;
    assert.equal((await send(client, sim, token, message())).status, 200);
  });

  test('a goaway program sends GOAWAY and refuses the stream', async () => {
    sim.program(DEVICE, 'goaway');
    const goaway = once(client, 'goaway');
    await assert.rejects(send(client, sim, token, message()));
    await goaway;
    assert.equal(sim.stats.faults, 1);
  });

  test('a drop-connection program closes the connection without an answer', async () => {
    sim.program(DEVICE, 'drop-connection');
    const closed = once(client, 'close');
    await assert.rejects(send(client, sim, token, message()));
    await closed;
  });

  test('a refuse-stream program resets the stream with REFUSED_STREAM, and every attempt for the token is recorded', async () => {
    sim.program(DEVICE, { fault: 'refuse-stream', times: 1 });
    await assert.rejects(send(client, sim, token, message()), /NGHTTP2_REFUSED_STREAM/);
    assert.equal((await send(client, sim, token, message())).status, 200, 'the session stays usable');
    assert.deepEqual(sim.faulted.map((f) => [f.token, f.fault]), [[DEVICE, 'refuse-stream']]);
    assert.equal(sim.attempts(DEVICE), 2);
  });

  test('a hang program never answers, while other streams on the connection still do', async () => {
    sim.program(DEVICE, 'hang');
    const stream = client.request({
      ':method': 'POST',
      ':path': sendPath(sim),
      authorization: `Bearer ${token}`,
    });
    stream.on('error', () => {});
    let answered = false;
    stream.on('response', () => (answered = true));
    stream.end(JSON.stringify(message()));
    assert.equal((await send(client, sim, token, message('other-device'))).status, 200);
    assert.equal(answered, false);
    stream.close();
  });

  test('an unknown error code or fault cannot be programmed', () => {
    assert.throws(() => sim.program(DEVICE, { errorCode: 'NOPE' as 'INTERNAL' }), { code: 'HERALD_CONFIG_INVALID' });
    assert.throws(() => sim.program(DEVICE, 'explode' as 'hang'), { code: 'HERALD_CONFIG_INVALID' });
  });
});
