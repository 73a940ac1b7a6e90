import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { startFcmSimulator, type FcmSimulator } from '../../../src/simulators/fcm/index.js';
import { DEVICE, connectTo, send, sendPath } from './fcm-test-client.js';
import { eventually } from '../../support/eventually.js';

describe('FCM simulator: connections and accept-all', () => {
  let sim: FcmSimulator;
  before(async () => {
    sim = await startFcmSimulator({ acceptAll: true });
  });
  after(() => sim.close());

  test('it advertises MAX_CONCURRENT_STREAMS 100, as FCM does', async () => {
    const client = await connectTo(sim);
    assert.equal(client.remoteSettings.maxConcurrentStreams, 100);
    client.close();
  });

  test('accept-all answers 200 without an access token and records the message', async () => {
    sim.reset();
    const client = await connectTo(sim);
    const answer = await send(client, sim, undefined, { message: { token: DEVICE, data: { n: 1 } } }, 'any-project');
    assert.equal(answer.status, 200);
    assert.match(answer.json?.name as string, /^projects\/any-project\/messages\//);
    const [received] = await sim.waitForReceived(1);
    assert.equal(received?.token, DEVICE);
    assert.deepEqual(received?.message, { token: DEVICE, data: { n: 1 } });
    client.close();
  });

  test('a client that vanishes with requests in flight does not disturb the simulator', async () => {
    const client = await connectTo(sim);
    for (let i = 0; i < 20; i++) {
      const stream = client.request({ ':method': 'POST', ':path': sendPath(sim) });
      stream.on('error', () => {});
      stream.write('{"message":');
    }
    client.destroy();
    const next = await connectTo(sim);
    assert.equal((await send(next, sim, undefined, { message: { token: DEVICE } })).status, 200);
    next.close();
  });

  test('a TLS client that hangs up mid-request does not disturb the simulator', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: sim.port, ca: sim.ca, ALPNProtocols: ['http/1.1'] });
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    socket.write('POST /token HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\ngrant');
    socket.destroy();
    const next = await connectTo(sim);
    assert.equal((await send(next, sim, undefined, { message: { token: DEVICE } })).status, 200);
    next.close();
  });
});

describe('FCM simulator: latency', () => {
  test('answers wait for the configured latency', async () => {
    const sim = await startFcmSimulator({ acceptAll: true, latencyMs: 150 });
    try {
      const client = await connectTo(sim);
      const answer = send(client, sim, undefined, { message: { token: DEVICE } });
      await eventually(() => sim.faults.held() === 1, 'the answer held by the latency');
      assert.equal((await answer).status, 200);
      client.close();
    } finally {
      await sim.close();
    }
  });
});
