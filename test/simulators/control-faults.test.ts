import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ClientHttp2Session } from 'node:http2';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { startControlServer, type ControlServer } from '../../src/simulators/control/server.js';
import { KEY_ID, TEAM, connectTo, deviceToken, makeProviderKey, send, signJwt } from './apns-test-client.js';
import { call, CONTROL_OPTIONS } from './control-client.js';

describe('control API: fault modes over PUT /faults/{service}', () => {
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

  const setFaults = (body: object) => call(control.url, 'PUT', '/faults/apns', JSON.stringify(body));

  test('goaway with no afterRequests sends GOAWAY with its reason on every session now', async () => {
    const goaway = once(client, 'goaway');
    assert.equal((await setFaults({ goaway: { reason: 'Shutdown' } })).status, 200);
    const [, , opaque] = (await goaway) as [number, number, Buffer];
    assert.deepEqual(JSON.parse(opaque.toString()), { reason: 'Shutdown' });
  });

  test('dropConnections with no afterRequests drops every connection now', async () => {
    const closed = new Promise((resolve) => client.on('close', resolve));
    assert.equal((await setFaults({ dropConnections: {} })).status, 200);
    await closed;
  });

  test('a 429 burst of count 2 answers two pushes TooManyRequests, then 200; GET shows what is left', async () => {
    const set = await setFaults({ tooManyRequests: { count: 2, retryAfterSeconds: 3 } });
    assert.deepEqual(set.json!.tooManyRequests, { count: 2, retryAfterSeconds: 3 });
    const first = await send(client, { jwt, token: deviceToken() });
    assert.equal(first.status, 429);
    assert.equal(first.headers['retry-after'], '3');
    assert.equal((await call(control.url, 'GET', '/faults/apns')).json!.tooManyRequests.count, 1);
    assert.equal((await send(client, { jwt, token: deviceToken() })).status, 429);
    assert.equal((await send(client, { jwt, token: deviceToken() })).status, 200);
  });

  test('an unknown fault key is a 422 naming it', async () => {
    const refused = await setFaults({ goawy: {} });
    assert.equal(refused.status, 422);
    assert.equal(refused.json!.field, 'goawy');
  });
});
