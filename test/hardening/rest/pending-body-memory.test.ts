/**
 * Issue 8 finding 7: clients that open many requests and never finish their bodies held memory
 * without bound (30 connections × 1 000 streams × 16 KB: RSS 270 → 860 MiB). Now the bytes held
 * for unfinished bodies stay within rest.max_pending_body_bytes_per_connection per connection and
 * rest.max_pending_body_bytes in total: the request that would go over is answered 503 and its
 * bytes are freed at once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import http2 from 'node:http2';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NORMAL_BODY, NORMAL_PATH, assertKnownKeys, startTarget, type Target } from './harness.js';
import { eventually } from '../../support/eventually.js';

const CHILD = fileURLToPath(new URL('./memory-child.js', import.meta.url));
const CONNECTIONS = 30;
/** The default rest.max_streams_per_connection: streams open at once per connection. */
const STREAMS = 100;
/** Each stream sends this much of a body it never finishes (under body_limit_bytes). */
const SENT_PER_STREAM = 15_000;
/** The defaults this test holds the server to. */
const PER_CONNECTION = 262_144;
const TOTAL = 16_777_216;
/** Sessions, streams and TLS buffers of 30 connections besides the bodies (measured: ~4 MiB). */
const OVERHEAD = 12 * 1024 * 1024;

interface Memory {
  heapUsed: number;
  arrayBuffers: number;
  external: number;
}

class ChildServer {
  private readonly lines: Interface;
  private readonly pending: Array<(line: string) => void> = [];
  constructor(readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }
  next(): Promise<string> {
    return new Promise((resolve) => this.pending.push(resolve));
  }
  async ask<T>(question: string): Promise<T> {
    const answer = this.next();
    this.child.stdin.write(`${question}\n`);
    return JSON.parse(await answer) as T;
  }
  async measure(): Promise<number> {
    const m = await this.ask<Memory>('measure');
    // Body buffers are ArrayBuffers outside the V8 heap: both count.
    return m.heapUsed + m.external;
  }
}

/**
 * Opens STREAMS streams on one connection, each sending SENT_PER_STREAM bytes and never ending.
 * Resolves once every stream's bytes were written or its stream answered, and then a PING was
 * answered: the server has read everything sent before it (RFC 9113 §6.7, frames in order).
 */
async function attack(url: string, ca: string, statuses: number[]): Promise<http2.ClientHttp2Session> {
  const session = http2.connect(url, { ca });
  session.on('error', () => undefined);
  const chunk = Buffer.alloc(SENT_PER_STREAM, 0x20);
  const sent = Array.from({ length: STREAMS }, () => {
    const stream = session.request({ ':method': 'POST', ':path': NORMAL_PATH });
    stream.on('error', () => undefined);
    stream.resume();
    // Done when its bytes were written, or when it was answered (the rest then never goes out).
    return new Promise<void>((resolve) => {
      stream.write(chunk, () => resolve());
      stream.on('response', (h) => {
        statuses.push(Number(h[':status']));
        resolve();
      });
      stream.on('close', () => resolve());
    });
  });
  await Promise.all(sent);
  await new Promise<void>((resolve) => session.ping(() => resolve()));
  return session;
}

describe('bytes held for unfinished bodies', () => {
  let server: ChildServer;
  let url: string;
  let ca: string;
  let rest: Record<string, number>;
  before(async () => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD], { env: { ...process.env, HERALD_TEST_CHILD: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
    server = new ChildServer(child);
    const ready = JSON.parse(await server.next()) as { port: number; ca: string; rest: Record<string, number> };
    url = `https://127.0.0.1:${ready.port}`;
    ca = ready.ca;
    rest = ready.rest;
  });
  after(() => {
    server.child.stdin.end();
  });

  test('the server runs with the default budgets this test holds it to', () => {
    assert.equal(rest.max_pending_body_bytes_per_connection, PER_CONNECTION);
    assert.equal(rest.max_pending_body_bytes, TOTAL);
    assert.equal(rest.max_streams_per_connection, STREAMS);
  });

  test('30 connections × 100 streams × 15 KB of never-finished bodies stay within the per-connection budget', async (t) => {
    const baseline = await server.measure();
    const statuses: number[] = [];
    const sessions = await Promise.all(Array.from({ length: CONNECTIONS }, () => attack(url, ca, statuses)));
    try {
      const grown = (await server.measure()) - baseline;
      const gauges = await server.ask<{ pendingBodyBytes?: number }>('gauges');
      const attempted = CONNECTIONS * STREAMS * SENT_PER_STREAM;
      t.diagnostic(`sent ${(attempted / 2 ** 20).toFixed(1)} MiB of bodies; held ${((gauges.pendingBodyBytes ?? NaN) / 2 ** 20).toFixed(2)} MiB; heap+external grew ${(grown / 2 ** 20).toFixed(1)} MiB after GC; ${statuses.filter((x) => x === 503).length} streams answered 503`);
      assert.ok(
        grown < CONNECTIONS * PER_CONNECTION + OVERHEAD,
        `memory grew ${(grown / 2 ** 20).toFixed(1)} MiB for ${(attempted / 2 ** 20).toFixed(1)} MiB sent; budget ${((CONNECTIONS * PER_CONNECTION) / 2 ** 20).toFixed(1)} MiB + overhead`,
      );
      assert.ok((gauges.pendingBodyBytes ?? Infinity) <= CONNECTIONS * PER_CONNECTION, `held ${gauges.pendingBodyBytes}`);
    } finally {
      for (const s of sessions) s.destroy();
    }
    await eventually(async () => (await server.ask<{ connections: number }>('gauges')).connections === 0, 'the attack is gone');
    const after = await server.measure();
    assert.ok(after - baseline < OVERHEAD, `after the attack memory is back near its baseline (+${((after - baseline) / 2 ** 20).toFixed(1)} MiB)`);
    assert.equal((await server.ask<{ pendingBodyBytes: number }>('gauges')).pendingBodyBytes, 0);
  });
});

const BUDGETS = { body_limit_bytes: 16_384, max_pending_body_bytes_per_connection: 40_000, max_pending_body_bytes: 100_000, body_timeout_ms: 10_000 };

describe('the budgets answer 503 and free the bytes', () => {
  let t: Target;
  before(async () => {
    t = await startTarget(BUDGETS);
  });

  test('the server is configured with keys of the schema only', () => assertKnownKeys(BUDGETS));
  after(() => t.close());

  function openStream(session: http2.ClientHttp2Session, bytes: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': NORMAL_PATH });
      stream.on('response', (h) => resolve(Number(h[':status'])));
      stream.on('error', reject);
      stream.resume();
      stream.write(Buffer.alloc(bytes, 0x20));
    });
  }

  test('the stream that would exceed its connection’s budget gets 503 overloaded; the connection keeps serving', async () => {
    const session = http2.connect(t.url, { ca: t.ca });
    session.on('error', () => undefined);
    try {
      const first = [openStream(session, 15_000), openStream(session, 15_000)];
      await eventually(() => t.server.gauges.pendingBodyBytes === 30_000, 'two bodies held');
      assert.equal(await openStream(session, 15_000), 503);
      assert.equal(t.server.gauges.pendingBodyBytes, 30_000, 'the refused body holds nothing');
      const normal = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': NORMAL_PATH });
        stream.on('response', (h) => resolve(Number(h[':status'])));
        stream.on('error', reject);
        stream.resume();
        stream.end(NORMAL_BODY);
      });
      assert.equal(normal, 200, 'a small body still fits');
      assert.equal(first.length, 2);
    } finally {
      session.destroy();
    }
    await eventually(() => t.server.gauges.pendingBodyBytes === 0, 'freed with the connection');
  });

  test('the total budget holds across connections; other connections are answered 503 until it frees', async () => {
    const sessions = Array.from({ length: 4 }, () => http2.connect(t.url, { ca: t.ca }));
    for (const s of sessions) s.on('error', () => undefined);
    try {
      // 3 connections × 2 bodies × 15 000 = 90 000 of the 100 000.
      for (const s of sessions.slice(0, 3)) {
        void openStream(s, 15_000);
        void openStream(s, 15_000);
      }
      await eventually(() => t.server.gauges.pendingBodyBytes === 90_000, '90 000 bytes held');
      assert.equal(await openStream(sessions[3]!, 15_000), 503);
    } finally {
      for (const s of sessions) s.destroy();
    }
    await eventually(() => t.server.gauges.pendingBodyBytes === 0, 'freed');
    const session = http2.connect(t.url, { ca: t.ca });
    session.on('error', () => undefined);
    try {
      void openStream(session, 15_000);
      await eventually(() => t.server.gauges.pendingBodyBytes === 15_000, 'a body fits again once the budget is free');
    } finally {
      session.destroy();
    }
  });
});
