import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validateConfig } from '../../src/core/config/load.js';
import { startApnsSimulator } from '../../src/simulators/apns/index.js';
import { startControlServer } from '../../src/simulators/control/server.js';
import { startSimulatorsFor } from '../../src/simulators/for-config.js';
import { TEAM, TOPIC, deviceToken, send } from './apns-test-client.js';
import { call, CONTROL_OPTIONS } from './control-client.js';
import { apnsControlRig } from './control-rig.js';

const OPTIONS = CONTROL_OPTIONS;

describe('simulators control API', () => {
  const rig = apnsControlRig();

  test('a push through the APNS simulator is listed and shown whole', async () => {
    const token = deviceToken();
    assert.equal((await send(rig.client, { jwt: rig.jwt, token, headers: { 'apns-topic': TOPIC } })).status, 200);
    const list = await call(rig.control.url, 'GET', '/deliveries');
    assert.equal(list.status, 200);
    assert.equal(list.json!.deliveries.length, 1);
    const [listed] = list.json!.deliveries;
    assert.equal(listed.device, token);
    assert.equal(listed.service, 'apns');
    const one = await call(rig.control.url, 'GET', `/deliveries/${listed.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.json!.topic, TOPIC);
    assert.equal(one.json!.headers['apns-topic'], TOPIC);
    assert.deepEqual(one.json!.answer, { status: 200 });
    assert.ok(one.json!.payload !== undefined);
    assert.equal((await call(rig.control.url, 'GET', '/deliveries/999999')).status, 404);
  });

  test('filters by device, newest first, paged with a cursor; clear empties the list', async () => {
    const a = deviceToken();
    const b = deviceToken();
    for (const token of [a, b, a, a]) await send(rig.client, { jwt: rig.jwt, token });
    const onlyA = await call(rig.control.url, 'GET', `/deliveries?device=${a.toUpperCase()}`);
    assert.equal(onlyA.json!.deliveries.length, 3);
    const ids = onlyA.json!.deliveries.map((d: { id: number }) => d.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
    const first = await call(rig.control.url, 'GET', `/deliveries?device=${a}&limit=2`);
    assert.deepEqual(first.json!.deliveries.map((d: { id: number }) => d.id), ids.slice(0, 2));
    const second = await call(rig.control.url, 'GET', `/deliveries?device=${a}&limit=2&before=${first.json!.next}`);
    assert.deepEqual(second.json!.deliveries.map((d: { id: number }) => d.id), ids.slice(2));
    assert.equal(second.json!.next, undefined);
    assert.equal((await call(rig.control.url, 'GET', '/deliveries?service=fcm')).json!.deliveries.length, 0);
    assert.equal((await call(rig.control.url, 'DELETE', '/deliveries')).status, 204);
    assert.equal((await call(rig.control.url, 'GET', '/deliveries')).json!.deliveries.length, 0);
  });

  test('a device programmed unregistered answers 410 to the next push, until its program is removed', async () => {
    const token = deviceToken();
    const put = await call(rig.control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ answer: 'unregistered' }));
    assert.equal(put.status, 204);
    const answer = await send(rig.client, { jwt: rig.jwt, token });
    assert.equal(answer.status, 410);
    assert.equal(answer.json?.reason, 'Unregistered');
    const [rejected] = (await call(rig.control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries;
    assert.deepEqual(rejected.answer, { status: 410, reason: 'Unregistered' });
    assert.equal((await call(rig.control.url, 'DELETE', `/devices/apns/${token}`)).status, 204);
    assert.equal((await send(rig.client, { jwt: rig.jwt, token })).status, 200);
  });

  test('faults are set (validated) and cleared', async () => {
    const set = await call(rig.control.url, 'PUT', '/faults/apns', JSON.stringify({ serverErrors: { status: 503, retryAfterSeconds: 7 } }));
    assert.equal(set.status, 200);
    const answer = await send(rig.client, { jwt: rig.jwt, token: deviceToken() });
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '7');
    assert.equal((await call(rig.control.url, 'DELETE', '/faults/apns')).status, 204);
    assert.equal((await send(rig.client, { jwt: rig.jwt, token: deviceToken() })).status, 200);
    const bad = await call(rig.control.url, 'PUT', '/faults/apns', JSON.stringify({ latencyMs: -1 }));
    assert.equal(bad.status, 422);
    assert.match(bad.json!.error, /latencyMs/);
  });

  test('bad input gets a clear 4xx: bad JSON 400, unknown program 422, unknown route 404, wrong method 405', async () => {
    const token = deviceToken();
    const badJson = await call(rig.control.url, 'PUT', `/devices/apns/${token}`, '{"answer":');
    assert.equal(badJson.status, 400);
    assert.match(badJson.json!.error, /JSON/);
    const unknown = await call(rig.control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ answer: 'explode' }));
    assert.equal(unknown.status, 422);
    assert.equal(unknown.json!.field, 'answer');
    const unknownField = await call(rig.control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify({ answr: 'unregistered' }));
    assert.equal(unknownField.status, 422);
    assert.equal(unknownField.json!.field, 'answr');
    assert.equal((await send(rig.client, { jwt: rig.jwt, token })).status, 200, 'a refused program is not applied');
    assert.equal((await call(rig.control.url, 'GET', '/nowhere')).status, 404);
    assert.equal((await call(rig.control.url, 'PUT', '/devices/fcm/x', JSON.stringify({ drop: true }))).status, 404, 'FCM is not running');
    assert.equal((await call(rig.control.url, 'POST', '/deliveries')).status, 405);
    assert.equal((await call(rig.control.url, 'GET', '/deliveries?limit=0')).status, 400);
  });
});

describe('simulators control API: token and config', () => {
  test('a bearer token, when set, is required: 401 without it or with another', async () => {
    const sim = await startApnsSimulator({ teamId: TEAM, keys: {} });
    const control = await startControlServer({ apns: sim }, { ...OPTIONS, authToken: 's3cret' });
    try {
      assert.equal((await call(control.url, 'GET', '/deliveries')).status, 401);
      assert.equal((await call(control.url, 'GET', '/deliveries', undefined, { authorization: 'Bearer wrong!' })).status, 401);
      assert.equal((await call(control.url, 'GET', '/deliveries', undefined, { authorization: 'Bearer s3cret' })).status, 200);
    } finally {
      await control.close();
      await sim.close();
    }
  });

  test('beyond loopback the config requires simulators.control.auth_token', () => {
    const base = { rest: { enabled: false } };
    assert.throws(() => validateConfig({ ...base, simulators: { control: { bind: '0.0.0.0' } } }), /simulators\.control\.auth_token/);
    assert.doesNotThrow(() => validateConfig({ ...base, simulators: { control: { bind: '0.0.0.0', auth_token: 't' } } }));
    assert.doesNotThrow(() => validateConfig({ ...base, simulators: { control: { bind: '127.0.0.1' } } }));
  });

  test('startSimulatorsFor starts the control API beside the simulators and close() stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-control-'));
    try {
      const config = validateConfig({ store: { path: join(dir, 'lmdb') }, apns: { key_file: join(dir, 'apns.p8') }, rest: { enabled: false } });
      const running = await startSimulatorsFor(config);
      const url = running.control?.url;
      assert.ok(url !== undefined);
      assert.equal((await call(url, 'GET', '/deliveries')).status, 200);
      assert.equal(running.config.simulators.apns.enabled, false, 'the handed config starts no simulator, hence no control API, again');
      await running.close();
      await assert.rejects(fetch(url + '/deliveries'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
