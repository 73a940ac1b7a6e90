/** A body that stops arriving is answered 408 after rest.body_timeout_ms, and dropped. */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type Answer, type TestServer } from './rest-test-kit.js';

const PATH = '/v3/notification/f53453455';
const TIMEOUT_MS = 150;

describe('rest.body_timeout_ms', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ body_timeout_ms: TIMEOUT_MS });
  });
  after(() => t.close());

  test('HTTP/1.1: a stalled body is answered 408 request_timeout and the connection closed', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = https.request(new URL(PATH, t.server.url), {
        method: 'POST',
        ca: t.ca,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': '100' },
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
      req.write('{"service":');
    });
    assert.equal(answer.status, 408);
    assert.equal(answer.body, '{"reason":"request_timeout"}');
    assert.equal(answer.headers.connection, 'close');
    assert.equal(t.dispatcher.received.length, 0);
  });

  test('HTTP/2: a stalled body is answered 408 and its stream reset, not the connection', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      const answer = await new Promise<Answer>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': PATH });
        let status = 0;
        let body = '';
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => (body += c));
        stream.on('close', () => resolve({ status, headers: {}, body, protocol: 'h2' }));
        stream.on('error', reject);
        stream.write('{"service":');
      });
      assert.equal(answer.status, 408);
      assert.equal(answer.body, '{"reason":"request_timeout"}');
      assert.equal(session.closed, false, 'the connection stays open');
    } finally {
      session.close();
    }
  });
});
