import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startControlServer, type ControlServer } from '../../src/simulators/control/server.js';
import { startFcmSimulator, type FcmSimulator } from '../../src/simulators/fcm/index.js';
import { eventually } from '../support/eventually.js';
import { call, CONTROL_OPTIONS } from './control-client.js';
import { DEVICE, accessToken, connectTo, fcmErrorCode, send, sendPath } from './fcm/fcm-test-client.js';

describe('control API over the FCM simulator', () => {
  let sim: FcmSimulator;
  let control: ControlServer;
  let client: ClientHttp2Session;
  let token: string;

  before(async () => {
    sim = await startFcmSimulator();
    control = await startControlServer({ fcm: sim }, CONTROL_OPTIONS);
  });
  after(async () => {
    await control.close();
    await sim.close();
  });
  beforeEach(async () => {
    sim.reset();
    client = await connectTo(sim);
    token = await accessToken(client, sim);
  });
  afterEach(() => client.destroy());

  const message = { token: DEVICE, notification: { title: 'Hi', body: 'there' }, data: { n: '1' } };
  const onlyDelivery = async (): Promise<Record<string, any>> => {
    const list = (await call(control.url, 'GET', `/deliveries?service=fcm&device=${encodeURIComponent(DEVICE)}`)).json!.deliveries;
    assert.equal(list.length, 1);
    return (await call(control.url, 'GET', `/deliveries/${list[0].id}`)).json!;
  };

  test('a message sent is read back whole: request, payload and the answer', async () => {
    const answer = await send(client, sim, token, { message });
    assert.equal(answer.status, 200);
    const d = await onlyDelivery();
    assert.equal(d.service, 'fcm');
    assert.equal(d.outcome, 'accepted');
    assert.equal(d.request.method, 'POST');
    assert.equal(d.request.path, sendPath(sim));
    assert.equal(d.request.path, `/v1/projects/${sim.projectId}/messages:send`);
    assert.equal(d.request.headers['content-type'], 'application/json');
    assert.equal(d.request.headers.authorization, `Bearer ${token.slice(0, 8)}…`, 'the access token is not handed out');
    assert.deepEqual(d.payload, message);
    assert.equal(d.payloadText, JSON.stringify(message, null, 2));
    assert.equal(d.response.status, 200);
    assert.deepEqual(JSON.parse(d.response.body), { name: answer.json!.name });
  });

  test('a device programmed unregistered answers 404 UNREGISTERED, and the delivery says so', async () => {
    const put = await call(control.url, 'PUT', `/devices/fcm/${encodeURIComponent(DEVICE)}`, JSON.stringify({ answer: 'unregistered' }));
    assert.equal(put.status, 204);
    const answer = await send(client, sim, token, { message });
    assert.equal(answer.status, 404);
    assert.equal(fcmErrorCode(answer), 'UNREGISTERED');
    const d = await onlyDelivery();
    assert.deepEqual(d.answer, { status: 404, reason: 'UNREGISTERED' });
    assert.equal(JSON.parse(d.response.body).error.status, 'NOT_FOUND');
    assert.deepEqual(d.payload, message);
  });

  test('latencyMs alone makes a slow FCM device: its answer is held, then the usual 200', async () => {
    const put = await call(control.url, 'PUT', `/devices/fcm/${encodeURIComponent(DEVICE)}`, JSON.stringify({ latencyMs: 600_000 }));
    assert.equal(put.status, 204);
    const held = send(client, sim, token, { message });
    held.catch(() => {}); // answered only when the test's session is gone
    await eventually(() => sim.faults.held() === 1, "the slow device's answer to be held");
    assert.equal((await onlyDelivery()).outcome, 'accepted');
    assert.equal((await onlyDelivery()).answeredAt, undefined);
  });

  test('fcmError programs any FcmError code', async () => {
    await call(control.url, 'PUT', `/devices/fcm/${encodeURIComponent(DEVICE)}`, JSON.stringify({ fcmError: 'SENDER_ID_MISMATCH' }));
    const answer = await send(client, sim, token, { message });
    assert.equal(answer.status, 403);
    assert.equal(fcmErrorCode(answer), 'SENDER_ID_MISMATCH');
  });

  test('unregisteredAt is APNS only: 422 naming it', async () => {
    const refused = await call(control.url, 'PUT', `/devices/fcm/${encodeURIComponent(DEVICE)}`, JSON.stringify({ answer: 'unregistered', unregisteredAt: 1 }));
    assert.equal(refused.status, 422);
    assert.equal(refused.json!.field, 'unregisteredAt');
  });
});
