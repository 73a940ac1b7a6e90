/**
 * Requests whose body the test writes itself, piece by piece or never to the end, for the limits
 * that must answer before the body is complete (rest.body_limit_bytes, rest.body_timeout_ms).
 * `send` starts the writing; `answered()` tells it the server has answered, so it can stop.
 */
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import https from 'node:https';
import type { Answer, TestServer } from './rest-test-kit.js';

/** HTTP/1.1: a POST to `path`; resolves with the answer read to its end, then drops the request. */
export function h1AnswerWhileSending(
  t: TestServer,
  path: string,
  headers: OutgoingHttpHeaders,
  send: (req: ClientRequest, answered: () => boolean) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, t.server.url), { method: 'POST', ca: t.ca, agent: false, headers });
    let answered = false;
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
    // Once answered, the server may close while the body is still being written: not a failure.
    req.on('error', (e) => (answered ? undefined : reject(e)));
    send(req, () => answered);
  });
}

/** HTTP/2: a POST stream to `path` on `session`; resolves with the answer once the stream ends or closes. */
export function h2AnswerWhileSending(
  session: ClientHttp2Session,
  path: string,
  headers: OutgoingHttpHeaders,
  send: (stream: ClientHttp2Stream, answered: () => boolean) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
    let status = 0;
    let answerHeaders: Answer['headers'] = {};
    let body = '';
    stream.on('response', (h) => {
      status = Number(h[':status']);
      answerHeaders = h as Answer['headers'];
    });
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (body += c));
    const settle = (): void => resolve({ status, headers: answerHeaders, body, protocol: 'h2' });
    stream.on('end', settle);
    stream.on('close', settle);
    stream.on('error', reject);
    send(stream, () => status !== 0);
  });
}
