import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants, type ClientHttp2Session } from 'node:http2';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { startControlServer, type ControlServer } from '../../src/simulators/control/server.js';
import { KEY_ID, TEAM, connectTo, deviceToken, makeProviderKey, open, send, signJwt } from './apns-test-client.js';
import { call, CONTROL_OPTIONS } from './control-client.js';

describe('control API: APNS device programs', () => {
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
    client = await connectTo(sim);
  });
  afterEach(() => client.destroy());

  const program = (token: string, body: object) => call(control.url, 'PUT', `/devices/apns/${token}`, JSON.stringify(body));

  test('unregistered with unregisteredAt answers 410 whose timestamp is that time', async () => {
    const token = deviceToken();
    const since = Date.UTC(2026, 0, 2, 3, 4, 5);
    assert.equal((await program(token, { answer: 'unregistered', unregisteredAt: since })).status, 204);
    const answer = await send(client, { jwt, token });
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
    const goaway = once(client, 'goaway');
    const stream = open(client, { jwt, token });
    const closed = new Promise((resolve) => stream.on('close', resolve));
    stream.on('error', () => {});
    const [, , opaque] = (await goaway) as [number, number, Buffer];
    assert.deepEqual(JSON.parse(opaque.toString()), { reason: 'TooManyRequests' });
    await closed;
    assert.equal(stream.rstCode, constants.NGHTTP2_REFUSED_STREAM);
    const [faulted] = (await call(control.url, 'GET', `/deliveries?device=${token}`)).json!.deliveries;
    assert.deepEqual(faulted.answer, { fault: 'goaway' });
  });

  test('fault refuse-stream resets the stream with REFUSED_STREAM, the session stays', async () => {
    const token = deviceToken();
    assert.equal((await program(token, { fault: 'refuse-stream', times: 1 })).status, 204);
    const stream = open(client, { jwt, token });
    stream.on('error', () => {});
    await new Promise((resolve) => stream.on('close', resolve));
    assert.equal(stream.rstCode, constants.NGHTTP2_REFUSED_STREAM);
    assert.equal((await send(client, { jwt, token })).status, 200);
  });

  test('bad programs get 422 naming the field and change nothing', async () => {
    const token = deviceToken();
    const cases: Array<[object, string]> = [
      [{ fault: 'explode' }, 'fault'],
      [{ fault: 'hang', answer: 'unregistered' }, 'fault'],
      [{ drop: true, retryAfterS: 3 }, 'retryAfterS'],
      [{ fault: 'hang', goawayReason: 'Shutdown' }, 'goawayReason'],
      [{ fcmError: 'UNREGISTERED' }, 'fcmError'],
      [{ latencyMs: 5 }, 'answer'],
    ];
    for (const [body, field] of cases) {
      const refused = await program(token, body);
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.equal(refused.json!.field, field, JSON.stringify(body));
    }
    assert.equal((await send(client, { jwt, token })).status, 200);
  });
});
