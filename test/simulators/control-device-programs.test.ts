import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants } from 'node:http2';
import { describe, test } from 'node:test';
import { eventually } from '../support/eventually.js';
import { deviceToken, open, send } from './apns-test-client.js';
import { call } from './control-client.js';
import { apnsControlRig } from './control-rig.js';

describe('control API: APNS device programs', () => {
  const rig = apnsControlRig();

  const program = (token: string, body: object) => call(rig.control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify(body));

  test('unregistered with unregisteredAt answers 410 whose timestamp is that time', async () => {
    const token = deviceToken();
    const since = Date.UTC(2026, 0, 2, 3, 4, 5);
    assert.equal((await program(token, { answer: 'unregistered', unregisteredAt: since })).status, 204);
    const answer = await send(rig.client, { jwt: rig.jwt, token });
    assert.equal(answer.status, 410);
    assert.deepEqual(answer.json, { reason: 'Unregistered', timestamp: since });
  });

  test('unregisteredAt must be ms since the epoch, with answer unregistered: else 422 naming it', async () => {
    for (const body of [
      { answer: 'unregistered', unregisteredAt: '2026-01-02T03:04:05Z' },
      { answer: 'unregistered', unregisteredAt: -1 },
      { answer: 'bad_device_token', unregisteredAt: 1 },
    ]) {
      const refused = await program(deviceToken(), body);
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.equal(refused.json!.field, 'unregisteredAt');
    }
  });

  test('fault goaway sends GOAWAY carrying the given reason and refuses the stream', async () => {
    const token = deviceToken();
    assert.equal((await program(token, { fault: 'goaway', goawayReason: 'TooManyRequests' })).status, 204);
    const goaway = once(rig.client, 'goaway');
    const stream = open(rig.client, { jwt: rig.jwt, token });
    const closed = new Promise((resolve) => stream.on('close', resolve));
    stream.on('error', () => {});
    const [, , opaque] = (await goaway) as [number, number, Buffer];
    assert.deepEqual(JSON.parse(opaque.toString()), { reason: 'TooManyRequests' });
    await closed;
    assert.equal(stream.rstCode, constants.NGHTTP2_REFUSED_STREAM);
    const [faulted] = (await call(rig.control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries;
    assert.deepEqual(faulted.answer, { fault: 'goaway' });
  });

  test('fault refuse-stream resets the stream with REFUSED_STREAM, the session stays', async () => {
    const token = deviceToken();
    assert.equal((await program(token, { fault: 'refuse-stream', times: 1 })).status, 204);
    const stream = open(rig.client, { jwt: rig.jwt, token });
    stream.on('error', () => {});
    await new Promise((resolve) => stream.on('close', resolve));
    assert.equal(stream.rstCode, constants.NGHTTP2_REFUSED_STREAM);
    assert.equal((await send(rig.client, { jwt: rig.jwt, token })).status, 200);
  });

  test('latencyMs alone makes a slow device: its answer is held while another device is answered at once', async () => {
    const slow = deviceToken();
    const other = deviceToken();
    assert.equal((await program(slow, { latencyMs: 600_000 })).status, 204);
    const held = send(rig.client, { jwt: rig.jwt, token: slow });
    held.catch(() => {}); // answered only when the test's session is gone
    await eventually(() => rig.sim.faults.held() === 1, 'the slow device\'s answer to be held');
    assert.equal((await send(rig.client, { jwt: rig.jwt, token: other })).status, 200);
    const [slowDelivery] = (await call(rig.control.url, 'GET', `/deliveries?device=${slow}`)).json!.deliveries;
    const [otherDelivery] = (await call(rig.control.url, 'GET', `/deliveries?device=${other}`)).json!.deliveries;
    assert.equal(slowDelivery.outcome, 'accepted', 'the usual answer, once the latency is over');
    assert.equal(slowDelivery.answeredAt, undefined, 'not answered yet');
    assert.equal(typeof otherDelivery.answeredAt, 'number');
  });

  test('bad programs get 422 naming the field and change nothing', async () => {
    const token = deviceToken();
    const cases: Array<[object, string]> = [
      [{ fault: 'explode' }, 'fault'],
      [{ fault: 'hang', answer: 'unregistered' }, 'fault'],
      [{ drop: true, retryAfterS: 3 }, 'retryAfterS'],
      [{ fault: 'hang', goawayReason: 'Shutdown' }, 'goawayReason'],
      [{ fcmError: 'UNREGISTERED' }, 'fcmError'],
      [{ times: 2 }, 'answer'],
    ];
    for (const [body, field] of cases) {
      const refused = await program(token, body);
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.equal(refused.json!.field, field, JSON.stringify(body));
    }
    assert.equal((await send(rig.client, { jwt: rig.jwt, token })).status, 200);
  });
});
