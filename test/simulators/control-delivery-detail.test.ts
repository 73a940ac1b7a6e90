import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from '../support/eventually.js';
import { ALERT_BODY, TOPIC, deviceToken, open, send } from './apns-test-client.js';
import { call } from './control-client.js';
import { apnsControlRig } from './control-rig.js';

describe('control API: one delivery whole', () => {
  const rig = apnsControlRig();

  const onlyDelivery = async (token: string): Promise<Record<string, any>> => {
    const [listed] = (await call(rig.control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries;
    return (await call(rig.control.url, 'GET', `/deliveries/${listed.id}`)).json!;
  };

  test('shows the request as sent: method, path, every header, the body and its size', async () => {
    const token = deviceToken();
    await send(rig.client, { jwt: rig.jwt, token, headers: { 'x-trace': ['a', 'b'] } });
    const d = await onlyDelivery(token);
    assert.equal(d.request.method, 'POST');
    assert.equal(d.request.path, `/3/device/${token}`);
    assert.equal(d.request.headers['apns-topic'], TOPIC);
    assert.equal(d.request.headers['apns-push-type'], 'alert');
    assert.equal(d.request.headers['x-trace'], 'a, b', 'duplicate headers joined');
    assert.equal(d.request.headers[':path'], undefined, 'pseudo-headers are given apart');
    assert.equal(d.request.body, ALERT_BODY);
    assert.equal(d.request.bodyBytes, Buffer.byteLength(ALERT_BODY));
    assert.deepEqual(d.payload, JSON.parse(ALERT_BODY));
    assert.equal(d.payloadText, JSON.stringify(JSON.parse(ALERT_BODY), null, 2));
  });

  test("never hands out the provider token's signature", async () => {
    const token = deviceToken();
    await send(rig.client, { jwt: rig.jwt, token });
    const d = await onlyDelivery(token);
    const [header, claims] = rig.jwt.split('.');
    assert.equal(d.request.headers.authorization, `bearer ${header}.${claims}.…`);
    assert.doesNotMatch(JSON.stringify(d), new RegExp(rig.jwt.split('.')[2]!.replace(/[-]/g, '\\-')));
  });

  test('shows the answer as written and when it went out', async () => {
    const token = deviceToken();
    const answer = await send(rig.client, { jwt: rig.jwt, token });
    const d = await onlyDelivery(token);
    assert.equal(d.response.status, 200);
    assert.equal(d.response.headers['apns-id'], answer.headers['apns-id']);
    assert.equal(d.response.body, undefined);
    assert.equal(typeof d.answeredAt, 'number');
    assert.equal(d.durationMs, d.answeredAt - d.receivedAt);
  });

  test("a rejection's answer carries Apple's JSON body; the payload is parsed from the request", async () => {
    const token = deviceToken();
    await call(rig.control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ answer: 'bad_device_token' }));
    await send(rig.client, { jwt: rig.jwt, token });
    const d = await onlyDelivery(token);
    assert.equal(d.response.status, 400);
    assert.deepEqual(JSON.parse(d.response.body), { reason: 'BadDeviceToken' });
    assert.deepEqual(d.payload, JSON.parse(ALERT_BODY));
  });

  test('an answer held by latency has no answeredAt until it goes out', async () => {
    const token = deviceToken();
    await call(rig.control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ answer: 'unregistered', latencyMs: 60_000 }));
    const stream = open(rig.client, { jwt: rig.jwt, token });
    stream.on('error', () => {});
    const listed = async (): Promise<boolean> => (await call(rig.control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries.length === 1;
    await eventually(listed, 'the held push to be listed');
    const held = await onlyDelivery(token);
    assert.equal(held.response.status, 410, 'the answer decided on');
    assert.equal(held.answeredAt, undefined);
    assert.equal(held.durationMs, undefined);
    stream.close();
  });

  test('a faulted request keeps the request, and has no answer', async () => {
    const token = deviceToken();
    await call(rig.control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ drop: true }));
    await assert.rejects(send(rig.client, { jwt: rig.jwt, token }));
    const d = await onlyDelivery(token);
    assert.equal(d.outcome, 'faulted');
    assert.equal(d.request.path, `/3/device/${token}`);
    assert.equal(d.response, undefined);
    assert.equal(d.answeredAt, undefined);
  });

  test('list items leave out the body text', async () => {
    const token = deviceToken();
    await send(rig.client, { jwt: rig.jwt, token });
    const [listed] = (await call(rig.control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries;
    assert.equal(listed.request.body, undefined);
    assert.equal(listed.payloadText, undefined);
    assert.equal(listed.request.bodyBytes, Buffer.byteLength(ALERT_BODY));
  });
});
