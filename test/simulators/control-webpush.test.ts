/**
 * The control API over the Web Push simulator: pushes listed with their decrypted payload, read
 * whole, streamed on /events; subscriptions programmed with the words the other services use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startControlServer, type ControlServer } from '../../src/simulators/control/server.js';
import { eventually } from '../support/eventually.js';
import { call, CONTROL_OPTIONS } from './control-client.js';
import { openStream } from './event-stream-client.js';
import { onWebPushSimulator, push } from './webpush-test-client.js';

describe('control API over the Web Push simulator', () => {
  const on = onWebPushSimulator();
  let control: ControlServer;
  before(async () => {
    control = await startControlServer({ webpush: on.sim }, CONTROL_OPTIONS);
  });
  after(() => control.close());

  const notification = { title: 'Juliet', body: 'Wherefore art thou?', tag: 'chat-42' };
  const idOf = (endpoint: string): string => endpoint.slice(endpoint.lastIndexOf('/') + 1);
  const onlyDelivery = async (subscription: string): Promise<Record<string, any>> => {
    const list = (await call(control.url, 'GET', `/deliveries?service=webpush&device=${encodeURIComponent(subscription)}`)).json!.deliveries;
    assert.equal(list.length, 1);
    return list[0];
  };

  test('a push is listed with its decrypted title and body, its headers and 201', async () => {
    const subscription = on.sim.createSubscription();
    const answer = await push(on.client, subscription, { payload: JSON.stringify(notification), options: { ttl: 30, urgency: 'high', topic: 'chat' } });
    assert.equal(answer.status, 201);
    const d = await onlyDelivery(idOf(subscription.endpoint));
    assert.equal(d.service, 'webpush');
    assert.equal(d.outcome, 'accepted');
    assert.equal(d.endpoint, subscription.endpoint);
    assert.deepEqual(d.payload, notification);
    assert.deepEqual(d.headers, { ttl: '30', urgency: 'high', topic: 'chat' });
    assert.equal(d.topic, 'chat');
    assert.deepEqual(d.answer, { status: 201 });
  });

  test('a push read whole shows the request, the plaintext pretty-printed and the answer as written', async () => {
    const subscription = on.sim.createSubscription();
    await push(on.client, subscription, { payload: JSON.stringify(notification) });
    const whole = (await call(control.url, 'GET', `/deliveries/${(await onlyDelivery(idOf(subscription.endpoint))).id}`)).json!;
    assert.equal(whole.request.method, 'POST');
    assert.equal(whole.request.path, new URL(subscription.endpoint).pathname);
    assert.equal(whole.request.headers['content-encoding'], 'aes128gcm');
    assert.match(whole.request.headers.authorization, /^vapid t=[^.]+\.[^.]+\.…$/, "the VAPID signature is not handed out");
    assert.ok(whole.request.bodyBytes > 0);
    assert.equal(whole.payloadText, JSON.stringify(notification, null, 2));
    assert.equal(whole.response.status, 201);
    assert.match(whole.response.headers.location, /\/m\//);
  });

  test('a payload that is not JSON is given as its text', async () => {
    const subscription = on.sim.createSubscription();
    await push(on.client, subscription, { payload: 'plain words' });
    assert.equal((await onlyDelivery(idOf(subscription.endpoint))).payload, 'plain words');
  });

  test('a push arrives on /events as a webpush delivery', async () => {
    const stream = await openStream(control.url);
    try {
      await eventually(() => on.sim.recordListeners === 1, 'the stream to subscribe');
      const subscription = on.sim.createSubscription();
      await push(on.client, subscription, { payload: JSON.stringify(notification) });
      const id = idOf(subscription.endpoint);
      await eventually(() => stream.deliveries().some((d) => d.device === id), 'the delivery event');
      const streamed = stream.deliveries().find((d) => d.device === id) as unknown as Record<string, unknown>;
      assert.equal(streamed.service, 'webpush');
      assert.deepEqual(streamed.payload, notification);
    } finally {
      stream.close();
    }
  });

  test('a subscription programmed unregistered answers 410 Gone, and the delivery says so', async () => {
    const subscription = on.sim.createSubscription();
    const id = idOf(subscription.endpoint);
    assert.equal((await call(control.url, 'PUT', `/devices/webpush/${id}`, JSON.stringify({ answer: 'unregistered' }))).status, 204);
    const answer = await push(on.client, subscription, { payload: JSON.stringify(notification) });
    assert.equal(answer.status, 410);
    const d = await onlyDelivery(id);
    assert.equal(d.outcome, 'rejected');
    assert.deepEqual(d.answer, { status: 410, reason: 'gone' });
  });

  test('bad_device_token answers 404, too_many_requests 429 with Retry-After, server_error 500', async () => {
    const cases = [
      [{ answer: 'bad_device_token' }, 404, undefined],
      [{ answer: 'too_many_requests', retryAfterS: 7 }, 429, '7'],
      [{ answer: 'server_error', status: 500 }, 500, undefined],
    ] as const;
    for (const [program, status, retryAfter] of cases) {
      const subscription = on.sim.createSubscription();
      await call(control.url, 'PUT', `/devices/webpush/${idOf(subscription.endpoint)}`, JSON.stringify(program));
      const answer = await push(on.client, subscription);
      assert.equal(answer.status, status, JSON.stringify(program));
      assert.equal(answer.headers['retry-after'], retryAfter);
    }
  });

  test('latencyMs alone makes a slow subscription: its answer is held, then the usual 201', async () => {
    const subscription = on.sim.createSubscription();
    assert.equal((await call(control.url, 'PUT', `/devices/webpush/${idOf(subscription.endpoint)}`, JSON.stringify({ latencyMs: 600_000 }))).status, 204);
    push(on.client, subscription).catch(() => {}); // answered only when the test's session is gone
    await eventually(() => on.sim.faults.held() === 1, "the slow subscription's answer to be held");
    assert.equal((await onlyDelivery(idOf(subscription.endpoint))).outcome, 'accepted');
  });

  test('fcmError and unregisteredAt are refused for webpush with a 422 naming the field', async () => {
    for (const [field, program] of [
      ['fcmError', { fcmError: 'UNREGISTERED' }],
      ['unregisteredAt', { answer: 'unregistered', unregisteredAt: 1 }],
    ] as const) {
      const refused = await call(control.url, 'PUT', '/devices/webpush/some-id', JSON.stringify(program));
      assert.equal(refused.status, 422);
      assert.equal(refused.json!.field, field);
    }
  });

  test('DELETE /deliveries clears the Web Push records; the 404 for an unknown service lists webpush', async () => {
    await push(on.client, on.sim.createSubscription());
    assert.equal(on.sim.received.length, 1);
    assert.equal((await call(control.url, 'DELETE', '/deliveries')).status, 204);
    assert.equal(on.sim.received.length, 0);
    assert.match((await call(control.url, 'DELETE', '/devices/mms')).json!.error, /apns, fcm, webpush/);
  });
});
