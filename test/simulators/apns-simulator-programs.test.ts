import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants, type ClientHttp2Session } from 'node:http2';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import {
  KEY_ID,
  TEAM,
  answerOf,
  connectTo,
  deviceToken,
  makeProviderKey,
  open,
  send,
  signJwt,
} from './apns-test-client.js';
import { eventually } from '../support/eventually.js';

describe('APNS simulator: programmed outcomes per device token', () => {
  const key = makeProviderKey();
  const jwt = signJwt(key, Math.floor(Date.now() / 1000));
  let nowMs = Date.now();
  let sim: ApnsSimulator;
  let client: ClientHttp2Session;

  before(async () => {
    sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: key.publicKeyPem }, clock: () => nowMs });
  });
  after(() => sim.close());
  beforeEach(async () => {
    nowMs = Date.now();
    sim.reset();
    sim.setLatency(0);
    client = await connectTo(sim);
  });
  afterEach(() => client.destroy());

  test('a token programmed Unregistered is answered 410 with a numeric timestamp', async () => {
    const token = deviceToken();
    sim.program(token, { status: 410, reason: 'Unregistered' });
    const answer = await send(client, { jwt, token });
    assert.equal(answer.status, 410);
    assert.deepEqual(answer.json, { reason: 'Unregistered', timestamp: nowMs });
    assert.equal(sim.received.length, 0);
    assert.equal(sim.rejected[0]?.reason, 'Unregistered');
  });

  test('a program applies to its token only, whatever the case of its hex digits', async () => {
    const token = deviceToken();
    sim.program(token.toUpperCase(), { status: 400, reason: 'BadDeviceToken' });
    assert.equal((await send(client, { jwt, token: deviceToken() })).status, 200);
    assert.equal((await send(client, { jwt, token })).status, 400);
  });

  test('a program with times applies to that many requests, then the token is normal again', async () => {
    const token = deviceToken();
    sim.program(token, { status: 429, reason: 'TooManyRequests', times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(client, { jwt, token })).status);
    assert.deepEqual(statuses, [429, 429, 200]);
  });

  test('a programmed 503 carries its Retry-After header', async () => {
    const token = deviceToken();
    sim.program(token, { status: 503, reason: 'ServiceUnavailable', retryAfterSeconds: 3 });
    const answer = await send(client, { jwt, token });
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '3');
    assert.deepEqual(answer.json, { reason: 'ServiceUnavailable' });
  });

  test('clearPrograms returns every token to normal', async () => {
    const token = deviceToken();
    sim.program(token, { status: 500, reason: 'InternalServerError' });
    sim.clearPrograms();
    assert.equal((await send(client, { jwt, token })).status, 200);
  });

  test('refuse-stream resets the stream with REFUSED_STREAM and processes nothing', async () => {
    const token = deviceToken();
    sim.program(token, { fault: 'refuse-stream', times: 1 });
    const stream = open(client, { jwt, token });
    await assert.rejects(answerOf(stream), { code: 'ERR_HTTP2_STREAM_ERROR' });
    assert.equal(stream.rstCode, constants.NGHTTP2_REFUSED_STREAM);
    assert.equal(sim.received.length, 0);
    assert.equal(sim.stats.faults, 1);
    assert.equal((await send(client, { jwt, token })).status, 200, 'the session stays usable');
  });

  test('goaway sends GOAWAY with the JSON reason and refuses the request', async () => {
    const token = deviceToken();
    sim.program(token, { fault: 'goaway', goawayReason: 'Shutdown' });
    const goaway = once(client, 'goaway');
    const stream = open(client, { jwt, token });
    const closed = new Promise((resolve) => stream.on('close', resolve));
    stream.on('error', () => {});
    const [, , opaque] = (await goaway) as [number, number, Buffer];
    assert.deepEqual(JSON.parse(opaque.toString()), { reason: 'Shutdown' });
    await closed;
    assert.equal(stream.rstCode, constants.NGHTTP2_REFUSED_STREAM);
    assert.equal(sim.received.length, 0);
  });

  test('drop-connection closes the connection without an answer', async () => {
    const token = deviceToken();
    sim.program(token, 'drop-connection');
    const closed = once(client, 'close');
    await assert.rejects(send(client, { jwt, token }));
    await closed;
    assert.equal(sim.received.length, 0);
  });

  test('hang never answers, while later requests on the same connection are answered', async () => {
    const token = deviceToken();
    // Programs answer before the token is checked (Apple's order), so raise the stream limit first.
    const raised = once(client, 'remoteSettings');
    await send(client, { jwt });
    await raised;
    sim.program(token, 'hang');
    const hung = open(client, { jwt, token });
    let answered = false;
    hung.on('response', () => (answered = true));
    hung.on('error', () => {});
    assert.equal((await send(client, { jwt })).status, 200);
    assert.equal(answered, false);
    const closed = new Promise((resolve) => hung.on('close', resolve));
    hung.close(constants.NGHTTP2_CANCEL);
    await closed;
    assert.equal(answered, false);
  });

  test('delayMs holds the answer for that token, and only for it', async () => {
    const token = deviceToken();
    sim.program(token, { delayMs: 80 });
    const order: string[] = [];
    const held = send(client, { jwt, token }).then((a) => (order.push('delayed'), a));
    await eventually(() => sim.faults.held() === 1, 'the answer held by its delay');
    const other = send(client, { jwt }).then((a) => (order.push('other'), a));
    assert.equal((await held).status, 200);
    assert.equal((await other).status, 200);
    assert.deepEqual(order, ['other', 'delayed'], 'the token sent later, without a delay, is answered first');
  });

  test('setLatency delays every answer', async () => {
    sim.setLatency(60, 10);
    const answer = send(client, { jwt });
    await eventually(() => sim.faults.held() === 1, 'the answer held by the latency');
    assert.equal((await answer).status, 200);
  });

  test('an inconsistent program is refused with HERALD_CONFIG_INVALID', () => {
    const token = deviceToken();
    assert.throws(() => sim.program(token, { status: 410 }), { code: 'HERALD_CONFIG_INVALID' });
    assert.throws(() => sim.program(token, { status: 410, reason: 'Unregistered', fault: 'hang' }), {
      code: 'HERALD_CONFIG_INVALID',
    });
    assert.throws(() => sim.program(token, { fault: 'explode' as 'hang' }), { code: 'HERALD_CONFIG_INVALID' });
    assert.throws(() => sim.program(token, { delayMs: 5, times: 0 }), { code: 'HERALD_CONFIG_INVALID' });
  });
});
