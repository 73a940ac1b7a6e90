/**
 * Connections are bounded in number and in time, every refusal is counted in /metrics, and a
 * flood costs the log a line per interval, not a line per connection or request.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { NORMAL_BODY, NORMAL_PATH, assertKnownKeys, metric, normalH1, normalH2, startTarget, type Target } from './harness.js';
import { eventually } from '../../support/eventually.js';
import { RawH2 } from './h2-frames.js';
import { h1Raw, tcpRaw, tlsConnect } from './raw-clients.js';

const PER_CLIENT = 8;
const TOTAL = 20;
const COUNTS = { max_connections: TOTAL, max_connections_per_client: PER_CLIENT, idle_timeout_ms: 60_000 };
const TIMES = { tls_handshake_timeout_ms: 200, headers_timeout_ms: 200, idle_timeout_ms: 300, connections_check_interval_ms: 50 };

test('the servers below are configured with keys of the schema only', () => {
  assertKnownKeys(COUNTS);
  assertKnownKeys(TIMES);
});

async function openMany(t: Target, localAddress: string, n: number): Promise<Array<net.Socket | undefined>> {
  return Promise.all(
    Array.from({ length: n }, () =>
      tlsConnect(t, { alpn: ['h2'], localAddress }).then(
        (s) => (s.on('error', () => undefined), s),
        () => undefined,
      ),
    ),
  );
}

describe('connections in total and per client', () => {
  let t: Target;
  before(async () => {
    t = await startTarget(COUNTS);
  });
  after(() => t.close());

  test('one client gets max_connections_per_client; the rest are closed at accept and counted; others are served', async () => {
    const flood = await openMany(t, '127.0.0.2', 30);
    try {
      assert.equal(flood.filter((s) => s !== undefined).length, PER_CLIENT);
      assert.equal((await normalH2(t, '127.0.0.7')).status, 200);
      assert.equal(await metric(t, 'herald_rest_connections_refused_total{reason="max_connections_per_client"}'), 30 - PER_CLIENT);
    } finally {
      for (const s of flood) s?.destroy();
    }
    await eventually(() => t.server.gauges.connections === 0, 'the flood is released');
    const again = await openMany(t, '127.0.0.2', PER_CLIENT);
    assert.equal(again.filter((s) => s !== undefined).length, PER_CLIENT, 'released connections make room again');
    for (const s of again) s?.destroy();
    await eventually(() => t.server.gauges.connections === 0, 'released');
  });

  test('max_connections holds across clients; a client already connected keeps being served', async () => {
    const session = http2.connect(t.url, { ca: t.ca });
    session.on('error', () => undefined);
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    const floods = (await Promise.all(['127.0.0.3', '127.0.0.4', '127.0.0.5'].map((a) => openMany(t, a, PER_CLIENT)))).flat();
    try {
      assert.equal(floods.filter((s) => s !== undefined).length, TOTAL - 1, 'the total, less the normal client');
      assert.equal(t.server.gauges.connections, TOTAL);
      const answer = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': NORMAL_PATH });
        stream.on('response', (h) => resolve(Number(h[':status'])));
        stream.on('error', reject);
        stream.resume();
        stream.end(NORMAL_BODY);
      });
      assert.equal(answer, 200);
      // A new connection from anyone is refused before TLS while the total is reached.
      await assert.rejects(tlsConnect(t, { localAddress: '127.0.0.6' }));
    } finally {
      session.close();
      for (const s of floods) s?.destroy();
    }
    await eventually(() => t.server.gauges.connections === 0, 'the floods are released');
    assert.ok((await metric(t, 'herald_rest_connections_refused_total{reason="max_connections"}')) >= 1);
  });

  test('a refused flood is one warn line per interval with its count, not a line per connection', async () => {
    const lines = () => t.log.lines.filter((l) => l.event === 'rest.connection_refused');
    assert.ok(lines().length <= 4, `${lines().length} lines`);
    assert.ok(lines().every((l) => l.level === 'warn' && typeof l.fields?.count === 'number'));
  });
});

describe('connections bounded in time', () => {
  let t: Target;
  before(async () => {
    t = await startTarget(TIMES);
  });
  after(() => t.close());

  test('a TCP connection that never completes TLS is closed after tls_handshake_timeout_ms and counted', async () => {
    assert.deepEqual(await tcpRaw(t, []), { kind: 'closed' });
    assert.equal(await metric(t, 'herald_rest_connections_dropped_total{reason="tls_handshake_timeout"}'), 1);
  });

  test('HTTP/1.1 headers that never end get 408 after headers_timeout_ms, not after Node’s 60 s', async () => {
    const outcome = await h1Raw(t, [`POST ${NORMAL_PATH} HTTP/1.1\r\nHost: x\r\nX-Slow: `]);
    assert.equal(outcome.kind === 'answer' && outcome.status, 408);
    assert.equal(await metric(t, 'herald_rest_connections_dropped_total{reason="headers_timeout"}'), 1);
  });

  test('an HTTP/2 session with no open stream gets GOAWAY NO_ERROR after idle_timeout_ms', async () => {
    const c = await RawH2.open(t.port, t.ca);
    await c.until(() => c.goaway() !== undefined, 'a GOAWAY');
    assert.equal(c.goaway()!.payload.readUInt32BE(4), 0);
    c.close();
    assert.ok((await metric(t, 'herald_rest_connections_dropped_total{reason="idle"}')) >= 1);
  });

  test('an HTTP/2 session whose request outlasts idle_timeout_ms is not idle: it gets its answer', async () => {
    let open!: () => void;
    t.dispatcher.gate = new Promise<void>((resolve) => (open = resolve));
    const session = http2.connect(t.url, { ca: t.ca });
    session.on('error', () => undefined);
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    const status = new Promise<number>((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': NORMAL_PATH });
      stream.on('response', (h) => resolve(Number(h[':status'])));
      stream.on('error', reject);
      stream.resume();
      stream.end(NORMAL_BODY);
    });
    await eventually(() => t.dispatcher.received.length === 1, 'the request is dispatched');
    // A session opened now with no stream shows when the idle timeout has passed and been swept.
    const dropped = await metric(t, 'herald_rest_connections_dropped_total{reason="idle"}');
    const probe = await RawH2.open(t.port, t.ca);
    await probe.until(() => probe.goaway() !== undefined, 'a GOAWAY');
    probe.close();
    assert.equal(goaway, false, 'the busy session got no GOAWAY');
    t.dispatcher.gate = undefined;
    open();
    assert.equal(await status, 200);
    assert.equal(await metric(t, 'herald_rest_connections_dropped_total{reason="idle"}'), dropped + 1, 'only the probe was idle');
    session.close();
  });

  test('an HTTP/1.1 keep-alive connection is closed after idle_timeout_ms', async () => {
    const socket = await tlsConnect(t, { alpn: ['http/1.1'] });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('data', () => undefined);
    socket.write(`POST ${NORMAL_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: ${NORMAL_BODY.length}\r\n\r\n${NORMAL_BODY}`);
    await closed;
    assert.equal((await normalH1(t)).status, 200);
  });
});

describe('unauthenticated floods', () => {
  let t: Target;
  before(async () => {
    t = await startTarget({ auth_tokens: ['the-token'] });
  });
  after(() => t.close());

  test('2 000 unauthenticated requests: each a 401, all counted, and the log gets at most a few lines', async () => {
    const session = http2.connect(t.url, { ca: t.ca });
    session.on('error', () => undefined);
    try {
      for (let batch = 0; batch < 20; batch++) {
        const statuses = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            new Promise<number>((resolve, reject) => {
              const headers: http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': NORMAL_PATH };
              if (i % 2 === 0) headers.authorization = 'Bearer wrong';
              const stream = session.request(headers);
              stream.on('response', (h) => resolve(Number(h[':status'])));
              stream.on('error', reject);
              stream.resume();
              stream.end(NORMAL_BODY);
            }),
          ),
        );
        assert.deepEqual(new Set(statuses), new Set([401]));
      }
    } finally {
      session.close();
    }
    const lines = t.log.lines.filter((l) => l.event === 'rest.unauthorized');
    // One line each for "absent" and "rejected" opening an interval; the counts follow per interval.
    assert.ok(lines.length <= 2, `${lines.length} lines`);
    assert.equal(t.dispatcher.received.length, 0);
    assert.equal(await metric(t, 'herald_rest_unauthorized_total'), 2_000);
  });
});
