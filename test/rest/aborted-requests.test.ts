/** Clients that vanish, stall or send garbage never crash the server, and it keeps serving. */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { beforeEach, describe, test } from 'node:test';
import { CLIENTS, h2RequestOn, testServerForSuite, type TestServer } from './rest-test-kit.js';
import { eventually } from '../support/eventually.js';

const PATH = '/v3/notification/f53453455';
const BODY = '{"service":"fcm","data":{"message-count":1}}';

async function stillServes(t: TestServer): Promise<void> {
  // The abandoned exchange is released (its buffers and timer) without waiting for a timeout.
  await eventually(() => t.server.inFlight === 0, 'no request in flight', 2_000);
  for (const client of CLIENTS) {
    const answer = await client.request(t, { path: PATH, body: BODY });
    assert.equal(answer.status, 200, `${client.name} request after the incident`);
  }
}

/** Resolves when the socket is closed by either side. */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
}

describe('aborted and broken requests', () => {
  const t = testServerForSuite();
  beforeEach(() => t.dispatcher.reset());

  test('HTTP/1.1: a client dropping the connection mid-body is forgotten', async () => {
    const req = https.request(new URL(PATH, t.server.url), {
      method: 'POST',
      ca: t.ca,
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': '500' },
    });
    const closed = new Promise<void>((resolve) => {
      req.on('error', () => resolve());
      req.on('close', () => resolve());
    });
    req.write(BODY.slice(0, 20));
    // Dropped once the server holds the request, its body still incomplete.
    await eventually(() => t.server.inFlight === 1, 'the request in flight on the server, mid-body');
    req.destroy();
    await closed;
    await stillServes(t);
    assert.equal(t.dispatcher.received.length, 2, 'only the two follow-up requests were dispatched');
  });

  test('HTTP/2: a stream cancelled mid-body is forgotten and the connection keeps serving', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      const stream = session.request({ ':method': 'POST', ':path': PATH, 'content-length': '500' });
      stream.on('error', () => undefined);
      await new Promise<void>((resolve) => stream.write(BODY.slice(0, 20), () => resolve()));
      stream.close(http2.constants.NGHTTP2_CANCEL);
      await new Promise<void>((resolve) => stream.on('close', () => resolve()));
      await eventually(() => t.server.inFlight === 0, 'no request in flight', 2_000);
      const answer = await h2RequestOn(session, { path: PATH, body: BODY });
      assert.equal(answer.status, 200);
      assert.equal(t.dispatcher.received.length, 1);
    } finally {
      session.close();
    }
  });

  test('HTTP/2: a connection destroyed mid-body is forgotten', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    session.on('error', () => undefined);
    const stream = session.request({ ':method': 'POST', ':path': PATH });
    stream.on('error', () => undefined);
    await new Promise<void>((resolve) => stream.write(BODY.slice(0, 20), () => resolve()));
    session.destroy();
    await stillServes(t);
  });

  test('HTTP/1.1: a client gone while its notification is dispatched is not answered, and nothing breaks', async () => {
    let open!: () => void;
    t.dispatcher.gate = new Promise<void>((resolve) => (open = resolve));
    const req = https.request(new URL(PATH, t.server.url), { method: 'POST', ca: t.ca, agent: false });
    req.on('error', () => undefined);
    req.end(BODY);
    await eventually(() => t.dispatcher.received.length === 1, 'the request dispatched', 2_000);
    req.destroy();
    await new Promise<void>((resolve) => (req.socket?.destroyed ? resolve() : req.on('close', () => resolve())));
    t.dispatcher.gate = undefined;
    open();
    await stillServes(t);
  });

  test('HTTP/2: a stream cancelled while its notification is dispatched is not answered, and nothing breaks', async () => {
    let open!: () => void;
    t.dispatcher.gate = new Promise<void>((resolve) => (open = resolve));
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      const stream = session.request({ ':method': 'POST', ':path': PATH });
      stream.on('error', () => undefined);
      stream.end(BODY);
      await eventually(() => t.dispatcher.received.length === 1, 'the request dispatched', 2_000);
      stream.close(http2.constants.NGHTTP2_CANCEL);
      await new Promise<void>((resolve) => stream.on('close', () => resolve()));
      t.dispatcher.gate = undefined;
      open();
      const answer = await h2RequestOn(session, { path: PATH, body: BODY });
      assert.equal(answer.status, 200, 'the same connection keeps serving');
    } finally {
      session.close();
    }
  });

  test('garbage instead of HTTP/1.1 inside TLS gets a 400 or a closed connection', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: t.server.port, ca: t.ca, servername: 'localhost', ALPNProtocols: ['http/1.1'] });
    socket.on('error', () => undefined);
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (reply += d));
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    socket.write('\x00\x01 NOT HTTP AT ALL\r\n\r\n');
    await closed(socket);
    assert.ok(reply === '' || reply.startsWith('HTTP/1.1 400'), reply);
    await stillServes(t);
  });

  test('garbage instead of HTTP/2 frames inside TLS closes that connection only', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: t.server.port, ca: t.ca, servername: 'localhost', ALPNProtocols: ['h2'] });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    assert.equal(socket.alpnProtocol, 'h2');
    socket.write(Buffer.alloc(200, 0xff));
    await closed(socket);
    await stillServes(t);
  });

  test('plain TCP garbage instead of a TLS handshake closes that connection only', async () => {
    const socket = net.connect(t.server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /v3/notification/x HTTP/1.1\r\n\r\n');
    await closed(socket);
    await stillServes(t);
  });
});
