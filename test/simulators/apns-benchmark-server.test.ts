import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import http2 from 'node:http2';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import apn from '@parse/node-apn';
import { startActorRuntime } from '../../src/actors/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import { startApnsPool } from '../../src/push-service/pools/apns-pool.js';
import { apnsTestPool, tokenAuth } from '../push-service/pools/test-pools.js';
import {
  spawnApnsBenchmarkServerProcess,
  startApnsBenchmarkServer,
  type ApnsBenchmarkServer,
} from '../../src/simulators/apns-benchmark/index.js';
import { CONNECTION_WINDOW } from '../../src/simulators/apns-benchmark/connection.js';
import { FrameReader } from '../../src/simulators/apns-benchmark/frame-reader.js';
import { CLIENT_PREFACE, ErrorCode, Flag, FrameType } from '../../src/simulators/apns-benchmark/frames.js';
import { eventually } from '../support/eventually.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = 'ab'.repeat(32);
const TOPIC = 'com.example.herald';
const TEAM_ID = 'HERALDTEAM';
const KEY_ID = 'HERALDKEY1';
/** APNS's typical success-path body is far smaller; 4 KiB is Apple's limit for alert payloads. */
const FOUR_KIB = 'x'.repeat(4096);

interface Answer {
  status: number | undefined;
  apnsId: string | undefined;
}

function request(client: http2.ClientHttp2Session, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = client.request({ ':method': 'POST', ':path': `/3/device/${TOKEN}`, 'apns-topic': TOPIC });
    let answer: Answer | undefined;
    stream.on('response', (headers) => {
      const id = headers['apns-id'];
      answer = { status: headers[':status'], apnsId: typeof id === 'string' ? id : undefined };
    });
    stream.on('error', reject);
    stream.on('close', () => (answer ? resolve(answer) : reject(new Error(`stream closed without an answer (rst ${stream.rstCode})`))));
    stream.resume();
    stream.end(body);
  });
}

async function connectTo(server: ApnsBenchmarkServer): Promise<http2.ClientHttp2Session> {
  const client = http2.connect(server.url, { ca: server.ca });
  await once(client, 'remoteSettings');
  return client;
}

/** A server that stops answering hangs a test: fail it instead. */
const SUITE_TIMEOUT_MS = 30_000;

describe('APNS benchmark server, through node:http2 clients', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: ApnsBenchmarkServer;
  before(async () => {
    server = await startApnsBenchmarkServer({ maxConcurrentStreams: 1000 });
  });
  after(() => server.close());

  test('a request without a body is answered 200 with a UUID-shaped apns-id', async () => {
    const client = await connectTo(server);
    try {
      const answer = await request(client);
      assert.equal(answer.status, 200);
      assert.match(answer.apnsId ?? '', UUID);
    } finally {
      client.close();
    }
  });

  test('requests with bodies, up to 4 KiB, are answered 200 each with its own apns-id', async () => {
    const client = await connectTo(server);
    try {
      const answers = [];
      for (const body of ['{"aps":{"alert":"hi"}}', 'y'.repeat(1000), FOUR_KIB]) answers.push(await request(client, body));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
      assert.equal(new Set(answers.map((a) => a.apnsId)).size, 3);
    } finally {
      client.close();
    }
  });

  test('1000 concurrent streams with 4 KiB bodies, past the connection window, are all answered 200', async () => {
    assert.ok(1000 * FOUR_KIB.length > CONNECTION_WINDOW, 'more body than the window opened at the start: flow control is given back');
    const client = await connectTo(server);
    const before = server.stats.answered;
    try {
      const answers = await Promise.all(Array.from({ length: 1000 }, () => request(client, FOUR_KIB)));
      assert.ok(answers.every((a) => a.status === 200));
      assert.equal(new Set(answers.map((a) => a.apnsId)).size, 1000);
      assert.equal(server.stats.answered - before, 1000);
    } finally {
      client.close();
    }
  });

  test('its SETTINGS announce the configured stream limit and a stream window above a 4 KiB body', async () => {
    const own = await startApnsBenchmarkServer({ maxConcurrentStreams: 37 });
    const client = await connectTo(own);
    try {
      assert.equal(client.remoteSettings.maxConcurrentStreams, 37);
      assert.ok((client.remoteSettings.initialWindowSize ?? 0) >= FOUR_KIB.length);
    } finally {
      client.close();
      await own.close();
    }
  });

  test('a PING is answered with an ACK carrying the same payload', async () => {
    const client = await connectTo(server);
    try {
      const payload = Buffer.from('herald!!');
      const echoed = await new Promise<Buffer>((resolve, reject) =>
        client.ping(payload, (error, _ms, got) => (error ? reject(error) : resolve(got))),
      );
      assert.deepEqual(echoed, payload);
    } finally {
      client.close();
    }
  });

  test("after a client's GOAWAY the server closes the connection, and the client sees no error", async () => {
    const own = await startApnsBenchmarkServer();
    const client = await connectTo(own);
    const errors: Error[] = [];
    client.on('error', (e) => errors.push(e));
    try {
      assert.equal((await request(client)).status, 200);
      assert.equal(own.stats.open, 1);
      client.goaway();
      await eventually(() => own.stats.open === 0, 'the server closed the connection', UNTIL_TIMEOUT_MS);
      assert.deepEqual(errors, []);
    } finally {
      client.destroy();
      await own.close();
    }
  });

  test('counts the connections it accepted and the requests it answered', async () => {
    const own = await startApnsBenchmarkServer();
    try {
      const clients = [await connectTo(own), await connectTo(own)];
      await Promise.all(clients.flatMap((c) => [request(c), request(c, FOUR_KIB)]));
      for (const c of clients) c.close();
      assert.equal(own.stats.sessions, 2);
      assert.equal(own.stats.answered, 4);
    } finally {
      await own.close();
    }
  });

  test('with latencyMs every request is still answered 200', async () => {
    const own = await startApnsBenchmarkServer({ latencyMs: 20 });
    const client = await connectTo(own);
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => request(client, i % 2 ? FOUR_KIB : undefined)));
      assert.ok(answers.every((a) => a.status === 200));
    } finally {
      client.close();
      await own.close();
    }
  });
});

describe('APNS benchmark server, frame by frame (raw TLS client)', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: ApnsBenchmarkServer;
  before(async () => {
    server = await startApnsBenchmarkServer();
  });
  after(() => server.close());

  test('after a bare preface it sends SETTINGS, then a connection WINDOW_UPDATE, then ACKs the client SETTINGS', async () => {
    const raw = await RawClient.connect(server);
    try {
      raw.write(CLIENT_PREFACE, frame(FrameType.SETTINGS, 0, 0));
      const settingsAck = await raw.next((f) => f.type === FrameType.SETTINGS && f.flags === Flag.ACK);
      assert.ok(settingsAck);
      assert.deepEqual(
        raw.frames.slice(0, 3).map((f) => [f.type, f.flags, f.streamId]),
        [
          [FrameType.SETTINGS, 0, 0],
          [FrameType.WINDOW_UPDATE, 0, 0],
          [FrameType.SETTINGS, Flag.ACK, 0],
        ],
      );
    } finally {
      raw.destroy();
    }
  });

  test('a request whose body ends in a later DATA frame is answered only after that frame', async () => {
    const raw = await RawClient.connect(server);
    try {
      // Stream 1 opens first, stream 3 ends first: the answers come in the order the streams ended.
      raw.write(
        CLIENT_PREFACE,
        frame(FrameType.HEADERS, Flag.END_HEADERS, 1, Buffer.from([0x83])), // :method POST (static index 3)
        frame(FrameType.DATA, 0, 1, Buffer.from('{"aps":')),
        frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 3, Buffer.from([0x83])),
        frame(FrameType.DATA, Flag.END_STREAM, 1, Buffer.from('{}}')),
      );
      await raw.next((f) => f.type === FrameType.HEADERS && f.streamId === 1);
      assert.deepEqual(raw.answeredStreams(), [3, 1]);
    } finally {
      raw.destroy();
    }
  });

  test('a header block continued in CONTINUATION frames ends its stream when its HEADERS frame said so', async () => {
    const raw = await RawClient.connect(server);
    try {
      raw.write(
        CLIENT_PREFACE,
        // Stream 1: END_STREAM on HEADERS, the block ends two CONTINUATIONs later (RFC 9113 §6.10).
        frame(FrameType.HEADERS, Flag.END_STREAM, 1, Buffer.from([0x83])), // :method POST (static index 3)
        frame(FrameType.CONTINUATION, 0, 1, Buffer.from([0x86])),
        frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, Buffer.from([0x84])),
        // Stream 3: a continued block without END_STREAM (a body would follow): not answered.
        frame(FrameType.HEADERS, 0, 3, Buffer.from([0x83])),
        frame(FrameType.CONTINUATION, Flag.END_HEADERS, 3, Buffer.from([0x84])),
        frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 5, Buffer.from([0x83])),
      );
      await raw.next((f) => f.type === FrameType.HEADERS && f.streamId === 5);
      assert.deepEqual(raw.answeredStreams(), [1, 5]);
    } finally {
      raw.destroy();
    }
  });

  test("the answer's header block is :status 200 (static index 8) and apns-id as a literal without indexing", async () => {
    const raw = await RawClient.connect(server);
    try {
      raw.write(CLIENT_PREFACE, frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, Buffer.from([0x83])));
      const answer = await raw.next((f) => f.type === FrameType.HEADERS);
      assert.equal(answer.flags, Flag.END_STREAM | Flag.END_HEADERS);
      const block = answer.payload;
      // A first answer starts with a dynamic table size update to 0 (RFC 7541 §6.3).
      assert.deepEqual([...block.subarray(0, 4)], [0x20, 0x88, 0x00, 7]);
      assert.equal(block.subarray(4, 11).toString(), 'apns-id');
      assert.equal(block[11], 36);
      assert.match(block.subarray(12).toString(), UUID);
    } finally {
      raw.destroy();
    }
  });

  test("after the client's GOAWAY it answers the streams that ended before it, then ends the connection", async () => {
    const slow = await startApnsBenchmarkServer({ latencyMs: 20 });
    const raw = await RawClient.connect(slow);
    try {
      raw.write(
        CLIENT_PREFACE,
        frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, Buffer.from([0x83])),
        frame(FrameType.GOAWAY, 0, 0, Buffer.alloc(8)),
      );
      await raw.ended;
      assert.deepEqual(raw.answeredStreams(), [1]);
    } finally {
      raw.destroy();
      await slow.close();
    }
  });

  test('a connection that does not start with the preface gets GOAWAY PROTOCOL_ERROR and is closed', async () => {
    const raw = await RawClient.connect(server);
    try {
      raw.write(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
      await raw.ended;
      const goaway = raw.frames.find((f) => f.type === FrameType.GOAWAY);
      assert.equal(goaway?.payload.readUInt32BE(4), ErrorCode.PROTOCOL_ERROR);
    } finally {
      raw.destroy();
    }
  });

  test('a frame longer than the 16 KiB maximum frame size gets GOAWAY FRAME_SIZE_ERROR', async () => {
    const raw = await RawClient.connect(server);
    try {
      raw.write(CLIENT_PREFACE, frame(FrameType.HEADERS, 0, 1, Buffer.alloc(16_385)));
      await raw.ended;
      const goaway = raw.frames.find((f) => f.type === FrameType.GOAWAY);
      assert.equal(goaway?.payload.readUInt32BE(4), ErrorCode.FRAME_SIZE_ERROR);
    } finally {
      raw.destroy();
    }
  });
});

describe('APNS benchmark server frame reader', () => {
  const input = Buffer.concat([
    CLIENT_PREFACE,
    frame(FrameType.SETTINGS, 0, 0, Buffer.alloc(6)),
    frame(FrameType.HEADERS, Flag.END_HEADERS, 1, Buffer.alloc(40, 0x83)),
    frame(FrameType.DATA, Flag.END_STREAM, 1, Buffer.alloc(4096, 0x7b)),
    frame(FrameType.PING, 0, 0, Buffer.from('12345678')),
    frame(FrameType.WINDOW_UPDATE, 0, 0, Buffer.from([0, 0, 1, 0])),
  ]);
  const expected = [
    [FrameType.SETTINGS, 0, 0, 6, ''],
    [FrameType.HEADERS, Flag.END_HEADERS, 1, 40, ''],
    [FrameType.DATA, Flag.END_STREAM, 1, 4096, ''],
    [FrameType.PING, 0, 0, 8, '12345678'],
    [FrameType.WINDOW_UPDATE, 0, 0, 4, ''],
  ];

  function readIn(pieces: Buffer[]): unknown[] {
    const seen: unknown[] = [];
    const reader = new FrameReader((type, flags, streamId, length, ping) =>
      seen.push([type, flags, streamId, length, ping?.toString() ?? '']),
    );
    for (const piece of pieces) assert.equal(reader.feed(piece), undefined);
    return seen;
  }

  test('reads the preface and many frames from one chunk', () => {
    assert.deepEqual(readIn([input]), expected);
  });

  test('reads the same frames fed one byte at a time', () => {
    assert.deepEqual(
      readIn([...input].map((b) => Buffer.from([b]))),
      expected,
    );
  });

  test('reads the same frames split at every 7th byte, headers and payloads cut anywhere', () => {
    const pieces = [];
    for (let i = 0; i < input.length; i += 7) pieces.push(input.subarray(i, i + 7));
    assert.deepEqual(readIn(pieces), expected);
  });

  test('a PING whose length is not 8 is a FRAME_SIZE_ERROR', () => {
    const reader = new FrameReader(() => {});
    assert.equal(reader.feed(Buffer.concat([CLIENT_PREFACE, frame(FrameType.PING, 0, 0, Buffer.alloc(7))])), ErrorCode.FRAME_SIZE_ERROR);
  });
});

describe('real APNS clients against the benchmark server', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: ApnsBenchmarkServer;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  before(async () => {
    server = await startApnsBenchmarkServer();
  });
  after(() => server.close());

  test("Herald's APNS pool delivers 300 notifications through it, each with an apns-id", async () => {
    const config = validateConfig({ apns: { team_id: TEAM_ID, key_id: KEY_ID, default_topic: TOPIC, connections: 2 } });
    const runtime = startActorRuntime();
    const pool = apnsTestPool(config.apns, { endpoint: server.url, ca: server.ca, auth: tokenAuth(config.apns, privateKeyPem) });
    const service = await startApnsPool(pool, config.actors.sender_mailbox_capacity, runtime);
    const before = server.stats.answered;
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, () =>
          service.send({ service: 'apns', mode: 'prod', device_id: TOKEN, alert: { title: 'alice@localhost', body: 'OH, HAI!' } }),
        ),
      );
      for (const outcome of outcomes) {
        assert.equal(outcome.ok, true);
        assert.match(outcome.ok ? (outcome.id ?? '') : '', UUID);
      }
      assert.equal(server.stats.answered - before, 300);
    } finally {
      await service.close(100);
      runtime.stop();
    }
  });

  test('@parse/node-apn sends 300 notifications through it, every one reported sent', async () => {
    const { hostname, port } = new URL(server.url);
    const provider = new apn.Provider({
      token: { key: privateKeyPem, keyId: KEY_ID, teamId: TEAM_ID },
      production: false,
      address: hostname,
      port: Number(port),
      ca: [server.ca],
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, () => {
          const note = new apn.Notification();
          note.alert = { title: 'alice@localhost', body: 'OH, HAI!' };
          note.topic = TOPIC;
          note.pushType = 'alert';
          return provider.send(note, TOKEN);
        }),
      );
      assert.equal(results.reduce((n, r) => n + r.sent.length, 0), 300);
      assert.deepEqual(results.flatMap((r) => r.failed), []);
    } finally {
      await new Promise<void>((resolve) => void provider.shutdown(resolve));
    }
  });
});

describe('APNS benchmark server as its own process', { timeout: SUITE_TIMEOUT_MS }, () => {
  test('prints its ready line, answers, reports its counters on request and stops on SIGTERM', async () => {
    const child = await spawnApnsBenchmarkServerProcess({ maxConcurrentStreams: 50 });
    try {
      assert.match(child.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const client = http2.connect(child.url, { ca: child.ca });
      await once(client, 'remoteSettings');
      assert.equal(client.remoteSettings.maxConcurrentStreams, 50);
      assert.equal((await request(client, FOUR_KIB)).status, 200);
      assert.equal((await request(client)).status, 200);
      client.close();
      const stats = await child.stats();
      assert.equal(stats.answered, 2);
      assert.equal(stats.sessions, 1);
    } finally {
      await child.stop();
    }
    assert.equal(child.child.exitCode, 0);
    assert.equal(existsSync(child.caFile), false, 'the CA file is removed on exit');
  });

  test('stops when its parent goes away (stdin ends)', async () => {
    const child = await spawnApnsBenchmarkServerProcess();
    const exited = once(child.child, 'exit');
    child.child.stdin?.end();
    assert.deepEqual(await exited, [0, null]);
  });
});

// ---- raw HTTP/2 over TLS, for what node:http2 clients do not let a test produce ----

interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

class RawClient {
  readonly frames: Frame[] = [];
  readonly ended: Promise<void>;
  private received = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      while (this.received.length >= 9) {
        const length = this.received.readUIntBE(0, 3);
        if (this.received.length < 9 + length) break;
        this.frames.push({
          type: this.received[3]!,
          flags: this.received[4]!,
          streamId: this.received.readUInt32BE(5) & 0x7fffffff,
          payload: this.received.subarray(9, 9 + length),
        });
        this.received = this.received.subarray(9 + length);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
    this.ended = new Promise((resolve) => socket.once('end', () => resolve()));
  }

  static async connect(server: ApnsBenchmarkServer): Promise<RawClient> {
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: server.ca, servername: 'localhost', ALPNProtocols: ['h2'] });
    await once(socket, 'secureConnect');
    return new RawClient(socket);
  }

  write(...parts: Buffer[]): void {
    this.socket.write(Buffer.concat(parts));
  }

  /** The first frame received so far or later that matches. */
  async next(match: (f: Frame) => boolean): Promise<Frame> {
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Streams answered (HEADERS frames received), in order. */
  answeredStreams(): number[] {
    return this.frames.filter((f) => f.type === FrameType.HEADERS).map((f) => f.streamId);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Far above the server's CLOSE_LINGER_MS, the longest wait any test has. */
const UNTIL_TIMEOUT_MS = 10_000;
