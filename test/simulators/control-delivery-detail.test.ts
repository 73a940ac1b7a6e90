import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { startControlServer, type ControlServer } from '../../src/simulators/control/server.js';
import { eventually } from '../support/eventually.js';
import { ALERT_BODY, KEY_ID, TEAM, TOPIC, connectTo, deviceToken, makeProviderKey, open, send, signJwt } from './apns-test-client.js';
import { call, CONTROL_OPTIONS } from './control-client.js';

describe('control API: one delivery whole', () => {
  const key = makeProviderKey();
  const jwt = signJwt(key, Math.floor(Date.now() / 1000));
  let sim: ApnsSimulator;
  let control: ControlServer;
  let client: ClientHttp2Session;

  before(async () => {
    sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: key.publicKeyPem } });
    control = await startControlServer({ apns: sim }, CONTROL_OPTIONS);
  });
  after(async () => {
    await control.close();
    await sim.close();
  });
  beforeEach(async () => {
    sim.reset();
    sim.faults.clear();
    client = await connectTo(sim);
  });
  afterEach(() => client.destroy());

  const onlyDelivery = async (token: string): Promise<Record<string, any>> => {
    const [listed] = (await call(control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries;
    return (await call(control.url, 'GET', `/deliveries/${listed.id}`)).json!;
  };

  test('shows the request as sent: method, path, every header, the body and its size', async () => {
    const token = deviceToken();
    await send(client, { jwt, token, headers: { 'x-trace': ['a', 'b'] } });
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
    await send(client, { jwt, token });
    const d = await onlyDelivery(token);
    const [header, claims] = jwt.split('.');
    assert.equal(d.request.headers.authorization, `bearer ${header}.${claims}.…`);
    assert.doesNotMatch(JSON.stringify(d), new RegExp(jwt.split('.')[2]!.replace(/[-]/g, '\\-')));
  });

  test('shows the answer as written and when it went out', async () => {
    const token = deviceToken();
    const answer = await send(client, { jwt, token });
    const d = await onlyDelivery(token);
    assert.equal(d.response.status, 200);
    assert.equal(d.response.headers['apns-id'], answer.headers['apns-id']);
    assert.equal(d.response.body, undefined);
    assert.equal(typeof d.answeredAt, 'number');
    assert.equal(d.durationMs, d.answeredAt - d.receivedAt);
  });

  test("a rejection's answer carries Apple's JSON body; the payload is parsed from the request", async () => {
    const token = deviceToken();
    await call(control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ answer: 'bad_device_token' }));
    await send(client, { jwt, token });
    const d = await onlyDelivery(token);
    assert.equal(d.response.status, 400);
    assert.deepEqual(JSON.parse(d.response.body), { reason: 'BadDeviceToken' });
    assert.deepEqual(d.payload, JSON.parse(ALERT_BODY));
  });

  test('an answer held by latency has no answeredAt until it goes out', async () => {
    const token = deviceToken();
    await call(control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ answer: 'unregistered', latencyMs: 60_000 }));
    const stream = open(client, { jwt, token });
    stream.on('error', () => {});
    const listed = async (): Promise<boolean> => (await call(control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries.length === 1;
    await eventually(listed, 'the held push to be listed');
    const held = await onlyDelivery(token);
    assert.equal(held.response.status, 410, 'the answer decided on');
    assert.equal(held.answeredAt, undefined);
    assert.equal(held.durationMs, undefined);
    stream.close();
  });

  test('a faulted request keeps the request, and has no answer', async () => {
    const token = deviceToken();
    await call(control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ drop: true }));
    await assert.rejects(send(client, { jwt, token }));
    const d = await onlyDelivery(token);
    assert.equal(d.outcome, 'faulted');
    assert.equal(d.request.path, `/3/device/${token}`);
    assert.equal(d.response, undefined);
    assert.equal(d.answeredAt, undefined);
  });

  test('list items leave out the body text', async () => {
    const token = deviceToken();
    await send(client, { jwt, token });
    const [listed] = (await call(control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries;
    assert.equal(listed.request.body, undefined);
    assert.equal(listed.payloadText, undefined);
    assert.equal(listed.request.bodyBytes, Buffer.byteLength(ALERT_BODY));
  });
});
