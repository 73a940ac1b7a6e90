import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ClientHttp2Session } from 'node:http2';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { ALERT_BODY, KEY_ID, TEAM, TOPIC, connectTo, deviceToken, makeProviderKey, pushHeaders, send, signJwt } from './apns-test-client.js';
import { eventually } from '../support/eventually.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('APNS simulator: accepted notifications', () => {
  const key = makeProviderKey();
  const jwt = signJwt(key, Math.floor(Date.now() / 1000));
  let sim: ApnsSimulator;
  let client: ClientHttp2Session;

  before(async () => {
    sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: key.publicKeyPem } });
    client = await connectTo(sim);
  });
  after(async () => {
    client.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  test('the simulator listens on 127.0.0.1 and reports its https url and port', () => {
    assert.equal(sim.url, `https://127.0.0.1:${sim.port}`);
    assert.ok(sim.port > 0);
    assert.match(sim.ca, /BEGIN CERTIFICATE/);
  });

  test('a valid request is answered 200 with an empty body and its apns-id echoed', async () => {
    const apnsId = '123e4567-e89b-12d3-a456-426614174000';
    const answer = await send(client, { jwt, headers: { 'apns-id': apnsId } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '');
    assert.equal(answer.headers['apns-id'], apnsId);
  });

  test('a valid request is recorded with its token, apns headers, parsed payload and time', async () => {
    const token = deviceToken();
    const before = Date.now();
    const headers = {
      'apns-id': 'A1B2C3D4-0000-1111-2222-333344445555',
      'apns-expiration': '1700000000',
      'apns-collapse-id': 'chat-42',
      'apns-priority': '5',
    };
    await send(client, { jwt, token, headers });
    assert.equal(sim.received.length, 1);
    const got = sim.received[0]!;
    assert.equal(got.token, token);
    assert.deepEqual(got.headers, { ...headers, 'apns-topic': TOPIC, 'apns-push-type': 'alert' });
    assert.equal(got.apnsId, headers['apns-id']);
    assert.deepEqual(got.payload, JSON.parse(ALERT_BODY));
    assert.ok(got.receivedAt >= before && got.receivedAt <= Date.now());
    assert.equal(sim.stats.accepted, 1);
  });

  test('an apns-id is generated when the request carries none', async () => {
    const answer = await send(client, { jwt });
    assert.match(String(answer.headers['apns-id']), UUID);
    assert.equal(sim.received[0]?.apnsId, answer.headers['apns-id']);
  });

  test('waitForReceived resolves with the first n notifications once they arrived', async () => {
    const waiting = sim.waitForReceived(3, 2_000);
    const tokens = [deviceToken(), deviceToken(), deviceToken()];
    for (const token of tokens) void send(client, { jwt, token });
    const received = await waiting;
    assert.deepEqual(
      received.map((r) => r.token),
      tokens,
    );
  });

  test('waitForReceived rejects when too few notifications arrive in time', async () => {
    await send(client, { jwt });
    await assert.rejects(sim.waitForReceived(2, 50), { code: 'HERALD_TIMEOUT' });
  });

  test('rejections are recorded with token, status and reason and counted by reason', async () => {
    const token = deviceToken();
    await send(client, { jwt, token, headers: { 'apns-priority': '7' } });
    assert.deepEqual(
      sim.rejected.map(({ token, status, reason }) => ({ token, status, reason })),
      [{ token, status: 400, reason: 'BadPriority' }],
    );
    assert.deepEqual(sim.stats.rejectedByReason, { BadPriority: 1 });
    assert.equal(sim.stats.rejected, 1);
  });

  test('reset clears records, counters and programs', async () => {
    const token = deviceToken();
    await send(client, { jwt });
    await send(client, { jwt, headers: { 'apns-priority': '7' } });
    sim.program(token, { status: 410, reason: 'Unregistered' });
    sim.reset();
    assert.equal(sim.received.length, 0);
    assert.equal(sim.rejected.length, 0);
    assert.equal(sim.stats.accepted, 0);
    assert.deepEqual(sim.stats.rejectedByReason, {});
    assert.equal((await send(client, { jwt, token })).status, 200);
  });

  test('a client that resets its stream in the middle of the body leaves the simulator working', async () => {
    const stream = client.request(pushHeaders({ jwt }));
    stream.on('error', () => {});
    stream.write('{"aps":');
    stream.close(0x8); // CANCEL
    await once(stream, 'close');
    assert.equal((await send(client, { jwt })).status, 200);
    assert.equal(sim.stats.accepted, 1);
  });

  test('close destroys open sessions and resolves', async () => {
    const other = await startApnsSimulator({ acceptAll: true });
    const session = await connectTo(other);
    assert.equal((await send(session, {})).status, 200);
    const closed = once(session, 'close');
    await other.close();
    await closed;
    assert.equal(session.destroyed, true);
  });

  test('sessions opened are counted', async () => {
    const opened = sim.stats.sessionsOpened;
    const second = await connectTo(sim);
    await send(second, { jwt });
    await eventually(() => sim.stats.sessionsOpened === opened + 1, 'a new session', 2_000);
    second.close();
  });
});
