import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { ClientHttp2Session } from 'node:http2';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { connectTo, deviceToken, send } from './apns-test-client.js';

describe('APNS simulator: accept-all mode for benchmarks', () => {
  let sim: ApnsSimulator | undefined;
  let client: ClientHttp2Session | undefined;
  afterEach(async () => {
    client?.close();
    await sim?.close();
  });

  test('accept-all answers 200 without a provider token and records the notification', async () => {
    sim = await startApnsSimulator({ acceptAll: true });
    client = await connectTo(sim);
    const token = deviceToken();
    const answer = await send(client, { token, headers: { 'apns-topic': undefined } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '');
    const [got] = await sim.waitForReceived(1, 1_000);
    assert.equal(got?.token, token);
    assert.deepEqual(got?.payload, { aps: { alert: { title: 'Hi', body: 'there' } } });
  });

  test('accept-all advertises maxConcurrentStreams from the start', async () => {
    sim = await startApnsSimulator({ acceptAll: true, maxConcurrentStreams: 250 });
    client = await connectTo(sim);
    assert.equal(client.remoteSettings.maxConcurrentStreams, 250);
  });

  test('without recording, accept-all only counts, and waitForReceived still resolves', async () => {
    sim = await startApnsSimulator({ acceptAll: true, record: false });
    client = await connectTo(sim);
    await Promise.all([send(client, {}), send(client, {}), send(client, { body: 'not even json' })]);
    assert.deepEqual(await sim.waitForReceived(3, 1_000), []);
    assert.equal(sim.stats.accepted, 3);
    assert.equal(sim.received.length, 0);
  });

  test('programs still apply in accept-all mode', async () => {
    sim = await startApnsSimulator({ acceptAll: true, record: false });
    client = await connectTo(sim);
    const token = deviceToken();
    sim.program(token, { status: 410, reason: 'Unregistered', times: 1 });
    assert.equal((await send(client, { token })).status, 410);
    assert.equal((await send(client, { token })).status, 200);
  });
});
