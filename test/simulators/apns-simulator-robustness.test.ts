import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { connectTo, send } from './apns-test-client.js';

describe('APNS simulator: hostile or vanishing clients', () => {
  let sim: ApnsSimulator;
  before(async () => {
    sim = await startApnsSimulator({ acceptAll: true });
  });
  after(() => sim.close());

  async function stillServes(): Promise<void> {
    const client = await connectTo(sim);
    assert.equal((await send(client, {})).status, 200);
    client.close();
  }

  test('plain-text garbage instead of TLS does not disturb the simulator', async () => {
    const socket = tcpConnect(sim.port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.resume();
    socket.end('GET / HTTP/1.1\r\n\r\n\x00\x01\x02');
    await once(socket, 'close');
    await stillServes();
  });

  test('a TLS client that does not speak HTTP/2 does not disturb the simulator', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: sim.port, ca: sim.ca, ALPNProtocols: ['http/1.1'] });
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    socket.destroy();
    await stillServes();
  });

  test('a protocol error after the HTTP/2 preface closes that connection only and does not disturb the simulator', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: sim.port, ca: sim.ca, ALPNProtocols: ['h2'] });
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    socket.resume();
    socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    // A DATA frame on stream 0 instead of SETTINGS: a connection error (RFC 9113 §6.1).
    socket.write(Buffer.from([0, 0, 4, 0x0, 0x0, 0, 0, 0, 0, 1, 2, 3, 4]));
    await once(socket, 'close');
    await stillServes();
  });

  test('a client that vanishes with requests in flight does not disturb the simulator', async () => {
    const client = await connectTo(sim);
    for (let i = 0; i < 20; i++) {
      const stream = client.request({ ':method': 'POST', ':path': '/3/device/ab' });
      stream.on('error', () => {});
      stream.write('{"a"');
    }
    client.destroy();
    await stillServes();
  });
});
