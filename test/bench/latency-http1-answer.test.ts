/** The latency benchmark's HTTP/1.1 answer reader (bench/latency/http1-answer.ts), on literal answers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Http1AnswerReader } from '../../bench/latency/http1-answer.js';

const HERALD_200 = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4\r\nDate: Sat, 05 Dec 2026 15:00:00 GMT\r\nConnection: keep-alive\r\n\r\nnull';

describe('reading HTTP/1.1 answers for the latency benchmark', () => {
  it('an answer split anywhere completes once, with its status, on its last octet', () => {
    for (let cut = 1; cut < HERALD_200.length; cut++) {
      const reader = new Http1AnswerReader();
      assert.equal(reader.push(Buffer.from(HERALD_200.slice(0, cut))), undefined, `cut at ${cut}`);
      assert.deepEqual(reader.push(Buffer.from(HERALD_200.slice(cut))), { status: 200, close: false });
    }
  });

  it('answers follow one another on a keep-alive connection', () => {
    const reader = new Http1AnswerReader();
    assert.deepEqual(reader.push(Buffer.from(HERALD_200)), { status: 200, close: false });
    const refused = 'HTTP/1.1 429 Too Many Requests\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}';
    assert.deepEqual(reader.push(Buffer.from(refused)), { status: 429, close: true });
  });

  it('a chunked answer, one without a length and octets beyond the answer are refused, not misread', () => {
    assert.throws(() => new Http1AnswerReader().push(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nnull\r\n0\r\n\r\n')), /chunked/);
    assert.throws(() => new Http1AnswerReader().push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), /content-length/);
    assert.throws(() => new Http1AnswerReader().push(Buffer.from(HERALD_200 + 'HTTP/1.1')), /after the answer/);
    assert.throws(() => new Http1AnswerReader().push(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /status line/);
  });
});
