import assert from 'node:assert/strict';
import https from 'node:https';
import http2 from 'node:http2';
import { after, before, describe, test } from 'node:test';
import { CLIENTS, h2RequestOn, startTestServer, type Answer, type TestServer } from './rest-test-kit.js';

const LIMIT = 1_024;
const TOO_LARGE = '{"reason":"payload_too_large"}';
const PATH = '/v3/notification/f53453455';

/** A valid silent notification padded with spaces to exactly `bytes` bytes. */
function bodyOfSize(bytes: number): string {
  const json = '{"service":"fcm","data":{"k":"v"}}';
  return json + ' '.repeat(bytes - json.length);
}

describe('request bodies above rest.body_limit_bytes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ body_limit_bytes: LIMIT });
  });
  after(() => t.close());

  for (const client of CLIENTS) {
    test(`a body of exactly the limit is accepted (${client.name})`, async () => {
      const answer = await client.request(t, { path: PATH, body: bodyOfSize(LIMIT) });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'null');
    });

    test(`a body one byte over the limit is answered 413 (${client.name})`, async () => {
      const answer = await client.request(t, { path: PATH, body: bodyOfSize(LIMIT + 1) });
      assert.equal(answer.status, 413);
      assert.equal(answer.body, TOO_LARGE);
    });
  }

  test('HTTP/1.1: a Content-Length over the limit is answered 413 before any body byte is sent', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = https.request(new URL(PATH, t.server.url), {
        method: 'POST',
        ca: t.ca,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(10 * LIMIT) },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, protocol: 'http/1.1' });
        });
      });
      req.on('error', reject);
      req.flushHeaders(); // headers only; the body never comes
    });
    assert.equal(answer.status, 413);
    assert.equal(answer.body, TOO_LARGE);
    assert.equal(answer.headers.connection, 'close');
  });

  test('HTTP/1.1: a chunked body is cut off with 413 as soon as it passes the limit', async () => {
    let sent = 0;
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = https.request(new URL(PATH, t.server.url), {
        method: 'POST',
        ca: t.ca,
        agent: false,
        headers: { 'content-type': 'application/json' },
      });
      let answered = false;
      const chunk = Buffer.alloc(256, 0x20);
      const pump = (): void => {
        if (answered || sent > 100 * LIMIT) return;
        sent += chunk.length;
        req.write(chunk, () => setImmediate(pump));
      };
      req.on('response', (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, protocol: 'http/1.1' });
        });
      });
      req.on('error', (e) => (answered ? undefined : reject(e)));
      pump();
    });
    assert.equal(answer.status, 413);
    assert.equal(answer.body, TOO_LARGE);
    assert.ok(sent < 100 * LIMIT, 'the server answered while the client was still sending');
  });

  test('HTTP/2: a streamed body is cut off with 413 and the connection keeps serving', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      let sent = 0;
      const answer = await new Promise<Answer>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/json' });
        let status = 0;
        let body = '';
        let answered = false;
        const chunk = Buffer.alloc(256, 0x20);
        const pump = (): void => {
          if (answered || stream.destroyed || sent > 100 * LIMIT) return;
          sent += chunk.length;
          stream.write(chunk, () => setImmediate(pump));
        };
        stream.on('response', (h) => {
          answered = true;
          status = Number(h[':status']);
        });
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => (body += c));
        stream.on('end', () => resolve({ status, headers: {}, body, protocol: 'h2' }));
        stream.on('close', () => resolve({ status, headers: {}, body, protocol: 'h2' }));
        stream.on('error', reject);
        pump();
      });
      assert.equal(answer.status, 413);
      assert.equal(answer.body, TOO_LARGE);
      assert.ok(sent < 100 * LIMIT, 'the server answered while the client was still sending');

      const next = await h2RequestOn(session, { path: PATH, body: bodyOfSize(100) });
      assert.equal(next.status, 200, 'the same HTTP/2 connection still serves requests');
    } finally {
      session.close();
    }
  });

  test('HTTP/2: a content-length over the limit is answered 413 at once', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      const answer = await new Promise<Answer>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': PATH,
          'content-type': 'application/json',
          'content-length': String(10 * LIMIT),
        });
        let status = 0;
        let body = '';
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => (body += c));
        stream.on('close', () => resolve({ status, headers: {}, body, protocol: 'h2' }));
        stream.on('error', reject);
      });
      assert.equal(answer.status, 413);
      assert.equal(answer.body, TOO_LARGE);
    } finally {
      session.close();
    }
  });
});
