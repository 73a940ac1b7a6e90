/** A body that stops arriving is answered 408 after rest.body_timeout_ms, and dropped. */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { describe, test } from 'node:test';
import { h1AnswerWhileSending, h2AnswerWhileSending } from './answer-while-sending.js';
import { testServerForSuite } from './rest-test-kit.js';

const PATH = '/v3/notification/f53453455';
const TIMEOUT_MS = 150;

describe('rest.body_timeout_ms', () => {
  const t = testServerForSuite({ body_timeout_ms: TIMEOUT_MS });

  test('HTTP/1.1: a stalled body is answered 408 request_timeout and the connection closed', async () => {
    const headers = { 'content-type': 'application/json', 'content-length': '100' };
    const answer = await h1AnswerWhileSending(t, PATH, headers, (req) => req.write('{"service":'));
    assert.equal(answer.status, 408);
    assert.equal(answer.body, '{"reason":"request_timeout"}');
    assert.equal(answer.headers.connection, 'close');
    assert.equal(t.dispatcher.received.length, 0);
  });

  test('HTTP/2: a stalled body is answered 408 and its stream reset, not the connection', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      const answer = await h2AnswerWhileSending(session, PATH, {}, (stream) => stream.write('{"service":'));
      assert.equal(answer.status, 408);
      assert.equal(answer.body, '{"reason":"request_timeout"}');
      assert.equal(session.closed, false, 'the connection stays open');
    } finally {
      session.close();
    }
  });
});
