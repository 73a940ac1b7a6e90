import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { deviceToken, send } from './apns-test-client.js';
import { call } from './control-client.js';
import { apnsControlRig } from './control-rig.js';

describe('control API: fault modes over PUT /faults/{service}', () => {
  const rig = apnsControlRig();

  const setFaults = (body: object) => call(rig.control.url, 'PUT', '/faults/apns', JSON.stringify(body));

  test('goaway with no afterRequests sends GOAWAY with its reason on every session now', async () => {
    const goaway = once(rig.client, 'goaway');
    assert.equal((await setFaults({ goaway: { reason: 'Shutdown' } })).status, 200);
    const [, , opaque] = (await goaway) as [number, number, Buffer];
    assert.deepEqual(JSON.parse(opaque.toString()), { reason: 'Shutdown' });
  });

  test('dropConnections with no afterRequests drops every connection now', async () => {
    const closed = new Promise((resolve) => rig.client.on('close', resolve));
    assert.equal((await setFaults({ dropConnections: {} })).status, 200);
    await closed;
  });

  test('a 429 burst of count 2 answers two pushes TooManyRequests, then 200; GET shows what is left', async () => {
    const set = await setFaults({ tooManyRequests: { count: 2, retryAfterSeconds: 3 } });
    assert.deepEqual(set.json!.tooManyRequests, { count: 2, retryAfterSeconds: 3 });
    const first = await send(rig.client, { jwt: rig.jwt, token: deviceToken() });
    assert.equal(first.status, 429);
    assert.equal(first.headers['retry-after'], '3');
    assert.equal((await call(rig.control.url, 'GET', '/faults/apns')).json!.tooManyRequests.count, 1);
    assert.equal((await send(rig.client, { jwt: rig.jwt, token: deviceToken() })).status, 429);
    assert.equal((await send(rig.client, { jwt: rig.jwt, token: deviceToken() })).status, 200);
  });

  test('an unknown fault key is a 422 naming it', async () => {
    const refused = await setFaults({ goawy: {} });
    assert.equal(refused.status, 422);
    assert.equal(refused.json!.field, 'goawy');
  });
});
