/** Bodies above rest.body_limit_bytes are answered 413 payload_too_large, as soon as the server can tell. */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { describe, test } from 'node:test';
import { h1AnswerWhileSending, h2AnswerWhileSending } from './answer-while-sending.js';
import { CLIENTS, h2RequestOn, testServerForSuite } from './rest-test-kit.js';

const LIMIT = 1_024;
const TOO_LARGE = '{"reason":"payload_too_large"}';
const PATH = '/v3/notification/f53453455';
const JSON_TYPE = { 'content-type': 'application/json' };
/** Where a client streaming a body gives up: far past the limit, so an answer before it is an early one. */
const MAX_SENT = 100 * LIMIT;

/** A valid silent notification padded with spaces to exactly `bytes` bytes. */
function bodyOfSize(bytes: number): string {
  const json = '{"service":"fcm","data":{"k":"v"}}';
  return json + ' '.repeat(bytes - json.length);
}

/** Writes 256-byte chunks of spaces, each once the last is written, until `stop()` or MAX_SENT; returns the bytes sent so far. */
function pumpSpaces(write: (chunk: Buffer, written: () => void) => void, stop: () => boolean): () => number {
  const chunk = Buffer.alloc(256, 0x20);
  let sent = 0;
  const pump = (): void => {
    if (stop() || sent > MAX_SENT) return;
    sent += chunk.length;
    write(chunk, () => setImmediate(pump));
  };
  pump();
  return () => sent;
}

describe('request bodies above rest.body_limit_bytes', () => {
  const t = testServerForSuite({ body_limit_bytes: LIMIT });

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
    const headers = { ...JSON_TYPE, 'content-length': String(10 * LIMIT) };
    const answer = await h1AnswerWhileSending(t, PATH, headers, (req) => req.flushHeaders()); // headers only; the body never comes
    assert.equal(answer.status, 413);
    assert.equal(answer.body, TOO_LARGE);
    assert.equal(answer.headers.connection, 'close');
  });

  test('HTTP/1.1: a chunked body is cut off with 413 as soon as it passes the limit', async () => {
    let sent!: () => number;
    const answer = await h1AnswerWhileSending(t, PATH, JSON_TYPE, (req, answered) => {
      sent = pumpSpaces((chunk, written) => req.write(chunk, written), answered);
    });
    assert.equal(answer.status, 413);
    assert.equal(answer.body, TOO_LARGE);
    assert.ok(sent() < MAX_SENT, 'the server answered while the client was still sending');
  });

  test('HTTP/2: a streamed body is cut off with 413 and the connection keeps serving', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      let sent!: () => number;
      const answer = await h2AnswerWhileSending(session, PATH, JSON_TYPE, (stream, answered) => {
        sent = pumpSpaces((chunk, written) => stream.write(chunk, written), () => answered() || stream.destroyed);
      });
      assert.equal(answer.status, 413);
      assert.equal(answer.body, TOO_LARGE);
      assert.ok(sent() < MAX_SENT, 'the server answered while the client was still sending');

      const next = await h2RequestOn(session, { path: PATH, body: bodyOfSize(100) });
      assert.equal(next.status, 200, 'the same HTTP/2 connection still serves requests');
    } finally {
      session.close();
    }
  });

  test('HTTP/2: a content-length over the limit is answered 413 at once', async () => {
    const session = http2.connect(t.server.url, { ca: t.ca });
    try {
      const headers = { ...JSON_TYPE, 'content-length': String(10 * LIMIT) };
      const answer = await h2AnswerWhileSending(session, PATH, headers, () => undefined); // the body never comes
      assert.equal(answer.status, 413);
      assert.equal(answer.body, TOO_LARGE);
    } finally {
      session.close();
    }
  });
});
