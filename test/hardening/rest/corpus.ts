/**
 * Named hostile inputs for the REST port, each with the outcome it must get. The server they run
 * against is CORPUS_CONFIG (short timeouts, so slow clients finish quickly, and small per-client
 * caps, so floods stay small); after each one the test checks that a normal v3 request is served.
 *
 * Expectations:
 *   a number      an HTTP answer with that status and a JSON body (Content-Type application/json)
 *   'closed'      the connection was closed without an HTTP answer
 *   {reset: c}    HTTP/2 RST_STREAM with code c on the request's stream
 *   {goaway: c}   HTTP/2 GOAWAY with code c
 *   'ended'       HTTP/2: the connection was ended (GOAWAY with any code, or closed). node:http2
 *                 reports several connection errors as INTERNAL_ERROR rather than the RFC 9113
 *                 code (its session is destroyed before nghttp2's own GOAWAY is flushed)
 *   'alive'       raw HTTP/2: nothing refused, the connection still answers PING
 *   'tls-alert'   the TLS handshake failed with an alert
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { RestConfig } from '../../../src/rest/server.js';
import { E, F, RawH2, T, frame, headerBlock, requestFields, settings, u32 } from './h2-frames.js';
import { NORMAL_BODY, NORMAL_PATH, metric, normalH2, type Target } from './harness.js';
import { eventually } from '../../support/eventually.js';
import { h1Raw, h2Outcome, parseAnswers, tcpRaw, tlsConnect, tlsThenH1, type Outcome, type Part } from './raw-clients.js';

export const TOKEN = 'corpus-token_0123456789';
export const CORPUS_CONFIG: Partial<RestConfig> = {
  auth_tokens: [TOKEN],
  body_timeout_ms: 300,
  headers_timeout_ms: 300,
  tls_handshake_timeout_ms: 300,
  idle_timeout_ms: 400,
  connections_check_interval_ms: 50,
  max_connections: 64,
  max_connections_per_client: 16,
};

export type Expect = number | 'closed' | 'ended' | 'alive' | 'tls-alert' | { reset: number } | { goaway: number };

export interface HostileCase {
  readonly name: string;
  readonly expect: Expect;
  run(t: Target): Promise<Outcome>;
  /** Further checks after the outcome matched. */
  readonly also?: (t: Target, outcome: Outcome) => void | Promise<void>;
}

const AUTH = `Authorization: Bearer ${TOKEN}`;
const V3 = '/v3/notification/f53453455aa0';

/** A raw HTTP/1.1 request with the token; `Connection: close` so the server ends it after answering. */
function req(method: string, path: string, headers: readonly string[] = [], body = '', version = 'HTTP/1.1'): string {
  const length = body === '' && method === 'GET' ? [] : [`Content-Length: ${Buffer.byteLength(body)}`];
  return [`${method} ${path} ${version}`, 'Host: localhost', AUTH, 'Connection: close', ...length, ...headers, '', body].join('\r\n');
}

function h1(parts: Part[] | string): (t: Target) => Promise<Outcome> {
  return (t) => h1Raw(t, typeof parts === 'string' ? [parts] : parts);
}

function h2(path: string, body: string | undefined, headers: Record<string, string> = {}): (t: Target) => Promise<Outcome> {
  return (t) => h2Outcome(t, { headers: { ':path': path, ...t.goodHeaders, ...headers }, body: body === undefined ? [] : [body] });
}

/** A v3 body through HTTP/2 with the token. */
function v3(body: string, headers: Record<string, string> = {}): (t: Target) => Promise<Outcome> {
  return h2(V3, body, headers);
}

/** Raw frames after the preface; the outcome for stream 1 (or the connection). */
function raw(build: () => Buffer[], streamId?: number): (t: Target) => Promise<Outcome> {
  return async (t) => {
    const c = await RawH2.open(t.port, t.ca);
    try {
      c.send(...build());
      return await c.outcome(streamId);
    } finally {
      c.close();
    }
  };
}

const authField = (): readonly [string, string] => ['authorization', `Bearer ${TOKEN}`];
const okHeaders = (path = V3, extra: ReadonlyArray<readonly [string, string]> = []) => headerBlock(requestFields(path, [authField(), ...extra]));

function assertNotDispatched(t: Target): void {
  assert.equal(t.dispatcher.received.length, 0, 'nothing was dispatched');
}

const manyHeaders = (n: number): string[] => Array.from({ length: n }, (_, i) => `X-H${i}: v`);
const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

export const CORPUS: readonly HostileCase[] = [
  // ── request lines and paths ──────────────────────────────────────────────────────────────
  { name: 'HTTP/1.1: a 100 KB URL is over the header bytes: 431', expect: 431, run: h1(req('POST', `/v3/notification/${'a'.repeat(100_000)}`, [], NORMAL_BODY)), also: assertNotDispatched },
  { name: 'HTTP/1.1: a 9 000-byte URL is over max_url_bytes: 414', expect: 414, run: h1(req('POST', `/v3/notification/${'a'.repeat(9_000)}`, [], NORMAL_BODY)), also: assertNotDispatched },
  { name: 'HTTP/2: a 100 KB URL is answered 414, not served and not refused', expect: 414, run: h2(`/v3/notification/${'a'.repeat(100_000)}`, NORMAL_BODY), also: assertNotDispatched },
  { name: 'HTTP/2: a 9 000-byte URL is answered 414', expect: 414, run: h2(`/v3/notification/${'a'.repeat(9_000)}`, NORMAL_BODY) },
  { name: 'HTTP/1.1: a NUL in the path is a bad request', expect: 400, run: h1(req('POST', '/v3/notification/ab\0cd', [], NORMAL_BODY)) },
  { name: 'HTTP/2: a NUL in :path makes the request malformed (RFC 9113 §8.2.1)', expect: { reset: E.PROTOCOL_ERROR }, run: raw(() => [frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, 1, okHeaders('/v3/notification/ab\0cd'))], 1) },
  { name: 'HTTP/1.1: a space inside the path is a bad request', expect: 400, run: h1('POST /v3/notification/a b HTTP/1.1\r\nHost: x\r\n\r\n') },
  {
    name: 'a malformed percent escape is kept as sent in the device id',
    expect: 200,
    run: h2('/v3/notification/%ZZ%4', NORMAL_BODY),
    also: (t) => assert.equal(t.dispatcher.received.at(-1)?.device_id, '%ZZ%4'),
  },
  { name: 'a traversal path is not one path segment: 404', expect: 404, run: h2('/v3/notification/../../etc/passwd', NORMAL_BODY), also: assertNotDispatched },
  {
    name: 'an encoded traversal is an opaque device id, never a path',
    expect: 200,
    run: h2('/v3/notification/..%2F..%2Fetc%2Fpasswd', NORMAL_BODY),
    also: (t) => assert.equal(t.dispatcher.received.at(-1)?.device_id, '../../etc/passwd'),
  },
  { name: 'an empty device id: 404', expect: 404, run: h2('/v3/notification/', NORMAL_BODY) },
  { name: 'an unknown API version: 404', expect: 404, run: h2('/v9/notification/abc', NORMAL_BODY) },
  { name: '__proto__ as the API version matches nothing: 404', expect: 404, run: h2('/__proto__/notification/abc', NORMAL_BODY) },
  { name: 'constructor as the API version matches nothing: 404', expect: 404, run: h2('/constructor/notification/abc', NORMAL_BODY) },
  { name: 'GET on a notification path: 405', expect: 405, run: h1(req('GET', V3)), also: (_t, o) => assert.equal(o.kind === 'answer' && o.headers.allow, 'POST') },
  { name: 'HTTP/1.1: an unknown method is a bad request', expect: 400, run: h1(req('FROB', V3, [], NORMAL_BODY)) },
  { name: 'HTTP/1.1: a lowercase method is a bad request', expect: 400, run: h1(req('post', V3, [], NORMAL_BODY)) },
  { name: 'HTTP/1.1: an absolute-form target matches no route: 404', expect: 404, run: h1(req('POST', `https://evil.example${V3}`, [], NORMAL_BODY)) },
  { name: 'HTTP/1.1: the asterisk form matches no route: 404', expect: 404, run: h1(req('OPTIONS', '*')) },
  { name: 'HTTP/1.1 without Host: 400 with a body (RFC 9112 §3.2)', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\n${AUTH}\r\nContent-Length: 2\r\n\r\n{}`) },
  { name: 'HTTP/1.1: "HTTP/9.9" as the version is a bad request', expect: 400, run: h1(req('POST', V3, [], NORMAL_BODY, 'HTTP/9.9')) },
  { name: 'HTTP/1.0 request without Host is served (Host is an HTTP/1.1 requirement)', expect: 200, run: h1(`POST ${V3} HTTP/1.0\r\n${AUTH}\r\nContent-Length: ${NORMAL_BODY.length}\r\n\r\n${NORMAL_BODY}`) },

  // ── headers ───────────────────────────────────────────────────────────────────────────────
  { name: 'HTTP/1.1: 10 000 headers: 431', expect: 431, run: h1(req('POST', V3, manyHeaders(10_000), NORMAL_BODY)), also: assertNotDispatched },
  { name: 'HTTP/2: 10 000 headers are beyond the decoding ceiling: node:http2 resets the stream (INTERNAL_ERROR, not REFUSED_STREAM: no retry invited)', expect: { reset: E.INTERNAL_ERROR }, run: v3(NORMAL_BODY, Object.fromEntries(manyHeaders(10_000).map((h) => h.split(': ') as [string, string]).map(([k, v]) => [k.toLowerCase(), v]))) },
  { name: 'HTTP/2: 600 small headers are over max_header_bytes (RFC 9113 §6.5.2 sizing): 431', expect: 431, run: v3(NORMAL_BODY, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`x-h${i}`, 'v']))) },
  { name: 'HTTP/1.1: 600 small headers: 431 (sized as HTTP/2 would)', expect: 431, run: h1(req('POST', V3, manyHeaders(600), NORMAL_BODY)) },
  { name: 'HTTP/1.1: one 1 MB header: 431', expect: 431, run: h1(req('POST', V3, [`X-Big: ${'b'.repeat(1_000_000)}`], NORMAL_BODY)) },
  { name: 'HTTP/2: one 1 MB header is beyond what HPACK decodes: the connection is closed (COMPRESSION_ERROR)', expect: { goaway: E.COMPRESSION_ERROR }, run: v3(NORMAL_BODY, { 'x-big': 'b'.repeat(1_000_000) }) },
  { name: 'HTTP/2: one 20 KB header: 431', expect: 431, run: v3(NORMAL_BODY, { 'x-big': 'b'.repeat(20_000) }) },
  { name: 'HTTP/1.1: one 20 KB header: 431', expect: 431, run: h1(req('POST', V3, [`X-Big: ${'b'.repeat(20_000)}`], NORMAL_BODY)) },
  { name: 'HTTP/1.1: two different Content-Lengths: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}`), also: assertNotDispatched },
  { name: 'HTTP/1.1: a repeated equal Content-Length: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}`) },
  { name: 'HTTP/1.1: Transfer-Encoding gzip without chunked: 400 (RFC 9112 §6.3)', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nTransfer-Encoding: gzip\r\n\r\n{}`) },
  { name: 'HTTP/1.1: a chunk size that is not hex: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`) },
  { name: 'HTTP/1.1 smuggling: Content-Length with Transfer-Encoding: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n`), also: assertNotDispatched },
  { name: 'HTTP/1.1 smuggling: Transfer-Encoding first, then Content-Length: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`) },
  { name: 'HTTP/1.1: a space before the colon of Transfer-Encoding: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n`) },
  { name: 'HTTP/1.1: an obs-fold header line: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\n{}`) },
  { name: 'HTTP/1.1: a space inside a header name: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nX Y: z\r\nContent-Length: 2\r\n\r\n{}`) },
  { name: 'HTTP/1.1: a bare CR inside a header value: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\n{}`) },
  { name: 'HTTP/1.1: a negative Content-Length: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: -1\r\n\r\n{}`) },
  { name: 'HTTP/1.1: a 20-digit Content-Length: 400', expect: 400, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: 99999999999999999999\r\n\r\n{}`) },
  { name: 'a declared Content-Length over body_limit_bytes: 413 before the body is read', expect: 413, run: (t) => h2Outcome(t, { headers: { ':path': V3, ...t.goodHeaders, 'content-length': '20000' }, end: false }) },
  { name: 'HTTP/2: a body longer than its content-length makes the request malformed (RFC 9113 §8.1.1)', expect: { reset: E.PROTOCOL_ERROR }, run: v3(`${NORMAL_BODY}      `, { 'content-length': String(NORMAL_BODY.length) }), also: assertNotDispatched },
  { name: 'HTTP/1.1: Expect: 100-continue is honoured and the request served', expect: 200, run: h1(req('POST', V3, ['Expect: 100-continue'], NORMAL_BODY)) },
  { name: 'HTTP/1.1: Upgrade: h2c is ignored and the request served', expect: 200, run: h1(req('POST', V3, ['Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQAAP__'], NORMAL_BODY)) },
  { name: 'HTTP/2: an uppercase header name makes the request malformed (RFC 9113 §8.2.1)', expect: { reset: E.PROTOCOL_ERROR }, run: raw(() => [frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, 1, okHeaders(V3, [['X-Upper', '1']]))], 1) },
  { name: 'HTTP/2: a request without :method is malformed', expect: { reset: E.PROTOCOL_ERROR }, run: raw(() => [frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, 1, headerBlock([[':scheme', 'https'], [':path', V3], authField()]))], 1) },
  { name: 'HTTP/2: a connection-specific header (Connection) is malformed (RFC 9113 §8.2.2)', expect: { reset: E.PROTOCOL_ERROR }, run: raw(() => [frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, 1, okHeaders(V3, [['connection', 'keep-alive']]))], 1) },

  // ── bodies ────────────────────────────────────────────────────────────────────────────────
  { name: 'a body that is not JSON: 422', expect: 422, run: v3('{"service":') },
  { name: 'JSON nested 8 000 arrays deep: 422, no stack overflow', expect: 422, run: v3(deep(8_000)) },
  { name: 'a data object nested 2 000 deep is free JSON: served', expect: 200, run: v3(`{"service":"fcm","data":${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}}`) },
  { name: 'HTTP/1.1: a 10 MB body with its length declared: 413 unread', expect: 413, run: h1([`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: 10000000\r\n\r\n`, Buffer.alloc(65_536, 0x20)]) },
  { name: 'HTTP/1.1: a 10 MB chunked body: 413 once it passes the limit', expect: 413, run: h1([`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nTransfer-Encoding: chunked\r\n\r\n`, ...Array.from({ length: 4 }, () => `4000\r\n${' '.repeat(0x4000)}\r\n`)]) },
  { name: 'HTTP/2: a 10 MB body without content-length: 413 once it passes the limit', expect: 413, run: (t) => h2Outcome(t, { headers: { ':path': V3, ...t.goodHeaders }, body: Array.from({ length: 8 }, () => Buffer.alloc(16_384, 0x20)), end: false }) },
  { name: 'HTTP/1.1: a body cut short never ends: 408 after body_timeout_ms', expect: 408, run: h1([`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: 100\r\n\r\n{"service":`]) },
  { name: 'HTTP/2: a stream left open mid-body: 408 after body_timeout_ms', expect: 408, run: (t) => h2Outcome(t, { headers: { ':path': V3, ...t.goodHeaders }, body: ['{"service":'], end: false }) },
  { name: 'a JSON body sent as text/plain is still JSON: served', expect: 200, run: v3(NORMAL_BODY, { 'content-type': 'text/plain' }) },
  { name: 'a multipart body: 422', expect: 422, run: v3('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }) },
  { name: 'invalid UTF-8 inside a string is replaced, not a crash: served', expect: 200, run: v3(Buffer.concat([Buffer.from('{"service":"fcm","data":{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}')]).toString('latin1'), {}) },
  { name: 'invalid UTF-8 in a key is an unexpected field: 422', expect: 422, run: (t) => h2Outcome(t, { headers: { ':path': V3, ...t.goodHeaders }, body: [Buffer.concat([Buffer.from('{"service":"fcm","data":{},"'), Buffer.from([0xff]), Buffer.from('":1}')])] }) },
  { name: 'time_to_live 1e400 (Infinity): 422', expect: 422, run: v3('{"service":"fcm","data":{},"time_to_live":1e400}') },
  { name: 'time_to_live as 30 decimal digits: 422', expect: 422, run: v3(`{"service":"fcm","data":{},"time_to_live":"${'9'.repeat(30)}"}`) },
  { name: 'a badge of -1: 422', expect: 422, run: v3('{"service":"apns","alert":{"title":"t","body":"b","badge":-1}}') },
  { name: 'a badge of 2^53: 422', expect: 422, run: v3('{"service":"apns","alert":{"title":"t","body":"b","badge":9007199254740993}}') },
  {
    name: '__proto__ at the top is an unexpected field, and nothing is polluted: 422',
    expect: 422,
    run: v3('{"__proto__":{"polluted":true},"service":"fcm","data":{}}'),
    also: () => assert.equal(({} as Record<string, unknown>).polluted, undefined),
  },
  {
    name: 'constructor.prototype at the top: 422, nothing polluted',
    expect: 422,
    run: v3('{"constructor":{"prototype":{"polluted":true}},"service":"fcm","data":{}}'),
    also: () => assert.equal(({} as Record<string, unknown>).polluted, undefined),
  },
  {
    name: '__proto__ inside data is data: served, nothing polluted',
    expect: 200,
    run: v3('{"service":"fcm","data":{"__proto__":{"polluted":true}}}'),
    also: () => assert.equal(({} as Record<string, unknown>).polluted, undefined),
  },
  { name: 'the body null: 422', expect: 422, run: v3('null') },
  { name: 'an array body: 422', expect: 422, run: v3('[]') },
  { name: 'an empty body: 422', expect: 422, run: v3('') },
  { name: 'a byte-order mark before the JSON: 422', expect: 422, run: v3(`\uFEFF${NORMAL_BODY}`) },
  {
    name: '1 500 unknown keys: 422 listing at most 32 problems',
    expect: 422,
    run: v3(`{${Array.from({ length: 1_500 }, (_, i) => `"k${i}":1`).join(',')}}`),
    also: (_t, o) => assert.ok(o.kind === 'answer' && (JSON.parse(o.body) as { errors: unknown[] }).errors.length <= 32),
  },
  { name: 'v1 with fields of the wrong types: 422', expect: 422, run: h2('/v1/notification/abc', '{"service":1,"title":[],"body":{}}') },
  { name: 'v2 with a valid deep body: served', expect: 200, run: h2('/v2/notification/abc', NORMAL_BODY) },

  // ── authentication ──────────────────────────────────────────────────────────────────────────
  { name: 'no Authorization: 401', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': V3 }, body: [NORMAL_BODY] }), also: assertNotDispatched },
  { name: 'a wrong token: 401', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': V3, authorization: 'Bearer corpus-token_0123456788' }, body: [NORMAL_BODY] }) },
  { name: 'Basic credentials: 401', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': V3, authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }, body: [NORMAL_BODY] }) },
  { name: 'the right token after a lowercase "bearer" (RFC 9110 §11.1: case-insensitive): served', expect: 200, run: (t) => h2Outcome(t, { headers: { ':path': V3, authorization: `bearer ${TOKEN}` }, body: [NORMAL_BODY] }) },
  { name: '"Bearer" with no token: 401', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': V3, authorization: 'Bearer' }, body: [NORMAL_BODY] }) },
  { name: 'a 10 000-character token: 401', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': V3, authorization: `Bearer ${'t'.repeat(10_000)}` }, body: [NORMAL_BODY] }) },
  { name: 'a 20 000-character token: 431 before authentication', expect: 431, run: (t) => h2Outcome(t, { headers: { ':path': V3, authorization: `Bearer ${'t'.repeat(20_000)}` }, body: [NORMAL_BODY] }) },
  { name: 'the right token followed by more words: 401', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': V3, authorization: `Bearer ${TOKEN} extra` }, body: [NORMAL_BODY] }) },
  { name: 'the token in the query string instead of the header: 401', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': `${V3}?access_token=${TOKEN}` }, body: [NORMAL_BODY] }) },
  { name: 'HTTP/1.1: a wrong Authorization then the right one: the first counts, 401', expect: 401, run: h1(`POST ${V3} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n${AUTH}\r\nConnection: close\r\nContent-Length: ${NORMAL_BODY.length}\r\n\r\n${NORMAL_BODY}`) },
  { name: 'an unknown path without a token: 401, nothing revealed', expect: 401, run: (t) => h2Outcome(t, { headers: { ':path': '/admin', ':method': 'GET' }, end: true }) },
  { name: '/metrics without a token: 401', expect: 401, run: h1(`GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`) },

  // ── HTTP/2 protocol abuse ───────────────────────────────────────────────────────────────────
  {
    name: 'HTTP/2 rapid reset: 2 000 streams opened and cancelled at once end that connection',
    expect: 'ended',
    run: raw(() => Array.from({ length: 2_000 }, (_, i) => [frame(T.HEADERS, F.END_HEADERS, 2 * i + 1, okHeaders()), frame(T.RST_STREAM, 0, 2 * i + 1, u32(E.CANCEL))]).flat()),
    also: (t) => eventually(() => t.server.inFlight === 0, 'every cancelled exchange is released'),
  },
  {
    name: 'HTTP/2: 1 000 streams with unfinished bodies: streams beyond max_streams_per_connection are refused, bytes stay within the budget',
    expect: 'alive',
    run: async (t) => {
      const c = await RawH2.open(t.port, t.ca);
      try {
        for (let i = 0; i < 1_000; i++) c.send(frame(T.HEADERS, F.END_HEADERS, 2 * i + 1, okHeaders()), frame(T.DATA, 0, 2 * i + 1, Buffer.alloc(1_024, 0x20)));
        const outcome = await c.outcome();
        assert.ok(t.server.gauges.pendingBodyBytes <= 262_144, `pending ${t.server.gauges.pendingBodyBytes}`);
        assert.ok(c.resets().length >= 900, `${c.resets().length} streams refused`);
        return outcome;
      } finally {
        c.close();
      }
    },
    also: (t) => eventually(() => t.server.gauges.pendingBodyBytes === 0, 'the unfinished bodies are freed with their connection'),
  },
  { name: 'HTTP/2: a SETTINGS flood (10 000 frames) ends that connection', expect: 'ended', run: raw(() => Array.from({ length: 10_000 }, () => settings([4, 65_535]))) },
  { name: 'HTTP/2: a PING flood (20 000 PINGs in one write) ends that connection', expect: 'ended', run: raw(() => Array.from({ length: 20_000 }, () => frame(T.PING, 0, 0, Buffer.alloc(8)))) },
  { name: 'HTTP/2: WINDOW_UPDATE with a zero increment on the connection is a connection error (RFC 9113 §6.9)', expect: 'ended', run: raw(() => [frame(T.WINDOW_UPDATE, 0, 0, u32(0))]) },
  { name: 'HTTP/2: WINDOW_UPDATE beyond 2^31-1 on the connection is a connection error (RFC 9113 §6.9.1)', expect: 'ended', run: raw(() => [frame(T.WINDOW_UPDATE, 0, 0, u32(0x7fffffff)), frame(T.WINDOW_UPDATE, 0, 0, u32(0x7fffffff))]) },
  { name: 'HTTP/2: WINDOW_UPDATE on an idle stream is a connection error (RFC 9113 §5.1)', expect: 'ended', run: raw(() => [frame(T.WINDOW_UPDATE, 0, 7, u32(100))]) },
  { name: 'HTTP/2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 is a connection error (RFC 9113 §6.5.2)', expect: 'ended', run: raw(() => [settings([4, 0x80000000])]) },
  { name: 'HTTP/2: DATA on stream 0: PROTOCOL_ERROR', expect: { goaway: E.PROTOCOL_ERROR }, run: raw(() => [frame(T.DATA, 0, 0, Buffer.from('x'))]) },
  { name: 'HTTP/2: HEADERS on an even (server-initiated) stream id is a connection error (RFC 9113 §5.1.1)', expect: 'ended', run: raw(() => [frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, 2, okHeaders())]) },
  { name: 'HTTP/2: a frame over SETTINGS_MAX_FRAME_SIZE: FRAME_SIZE_ERROR', expect: { goaway: E.FRAME_SIZE_ERROR }, run: raw(() => [frame(T.HEADERS, F.END_HEADERS, 1, Buffer.alloc(20_000))]) },
  { name: 'HTTP/2: an unknown frame type is ignored (RFC 9113 §4.1)', expect: 'alive', run: raw(() => [frame(0xfa, 0, 0, Buffer.from('ignore me'))]) },
  { name: 'HTTP/2: a stream depending on itself: PROTOCOL_ERROR (RFC 9113 §5.3.1)', expect: { goaway: E.PROTOCOL_ERROR }, run: raw(() => [frame(T.PRIORITY, 0, 1, Buffer.concat([u32(1), Buffer.from([16])]))], 1) },
  {
    name: 'HTTP/2: a header block over max_header_bytes split in CONTINUATION frames: 431',
    expect: 431,
    run: (t) => h2Outcome(t, { headers: { ':path': V3, ...t.goodHeaders, 'x-a': 'a'.repeat(12_000), 'x-b': 'b'.repeat(12_000) }, body: [NORMAL_BODY] }),
  },
  {
    name: 'HTTP/2: a header block that never ends (CONTINUATION without END_HEADERS) is closed as idle',
    expect: 'closed',
    run: async (t) => {
      const c = await RawH2.open(t.port, t.ca);
      c.send(frame(T.HEADERS, 0, 1, okHeaders()), ...Array.from({ length: 200 }, () => frame(T.CONTINUATION, 0, 1, headerBlock([['x-c', 'c'.repeat(50)]]))));
      await c.until(() => false, 'the connection closed as idle', 10_000);
      return { kind: 'closed' };
    },
  },
  { name: 'HTTP/2: a bad connection preface: the connection is closed', expect: 'closed', run: async (t) => { const s = await tlsConnect(t, { alpn: ['h2'] }); return new Promise((resolve) => { s.on('data', () => undefined); s.on('error', () => undefined); s.on('close', () => resolve({ kind: 'closed' })); s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); }); } },
  { name: 'HTTP/2: a session that opens no stream is closed with GOAWAY NO_ERROR after idle_timeout_ms', expect: { goaway: E.NO_ERROR }, run: async (t) => { const c = await RawH2.open(t.port, t.ca); await c.until(() => c.goaway() !== undefined, 'a GOAWAY', 5_000); c.close(); return { kind: 'goaway', code: c.goaway()!.payload.readUInt32BE(4) }; } },

  // ── HTTP/1.1 abuse ──────────────────────────────────────────────────────────────────────────
  { name: 'HTTP/1.1 slowloris: headers one byte every 20 ms are cut with 408 after headers_timeout_ms', expect: 408, run: h1([...`POST ${V3} HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(100)}`].flatMap((ch) => [ch, { pauseMs: 20 }])) },
  { name: 'HTTP/1.1: a body one byte every 20 ms is cut with 408 after body_timeout_ms', expect: 408, run: h1([`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: 200\r\n\r\n`, ...[...' '.repeat(100)].flatMap((ch) => [ch, { pauseMs: 20 }])]) },
  { name: 'HTTP/1.1: a TLS connection that never sends a request gets 408 after headers_timeout_ms', expect: 408, run: h1([]) },
  {
    name: 'HTTP/1.1 pipelining: 500 requests in one write are all answered, in order',
    expect: 200,
    run: async (t) => {
      const socket = await tlsConnect(t, { alpn: ['http/1.1'] });
      const one = `POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: ${NORMAL_BODY.length}\r\n\r\n${NORMAL_BODY}`;
      let bytes = Buffer.alloc(0);
      socket.on('data', (c: Buffer) => (bytes = Buffer.concat([bytes, c])));
      socket.write(one.repeat(500));
      await eventually(() => parseAnswers(bytes).length === 500, '500 answers');
      socket.destroy();
      const statuses = new Set(parseAnswers(bytes).map((a) => a.status));
      assert.deepEqual([...statuses], [200]);
      return parseAnswers(bytes)[0]!;
    },
  },
  {
    name: 'HTTP/1.1 pipelining while the dispatcher stalls: the request beyond max_streams_per_connection is answered 503 and the connection closed',
    expect: 503,
    run: async (t) => {
      let open!: () => void;
      t.dispatcher.gate = new Promise<void>((resolve) => (open = resolve));
      const socket = await tlsConnect(t, { alpn: ['http/1.1'] });
      try {
        const one = `POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: ${NORMAL_BODY.length}\r\n\r\n${NORMAL_BODY}`;
        let bytes = Buffer.alloc(0);
        let closed = false;
        socket.on('data', (c: Buffer) => (bytes = Buffer.concat([bytes, c])));
        socket.on('close', () => (closed = true));
        const before = t.dispatcher.received.length;
        socket.write(one.repeat(150));
        await eventually(() => t.dispatcher.received.length === before + 100, '100 requests in flight');
        t.dispatcher.gate = undefined;
        open();
        await eventually(() => closed, 'the connection closed after the 503');
        const answers = parseAnswers(bytes);
        assert.deepEqual(answers.map((a) => a.status), [...new Array<number>(100).fill(200), 503]);
        assert.equal(answers[100]!.headers.connection, 'close');
        return answers[100]!;
      } finally {
        t.dispatcher.gate = undefined;
        socket.destroy();
      }
    },
    also: (_t, o) => assert.equal(o.kind === 'answer' && o.body, '{"reason":"overloaded"}'),
  },
  {
    name: 'HTTP/1.1 keep-alive: an idle connection is closed after idle_timeout_ms',
    expect: 'closed',
    run: async (t) => {
      const socket = await tlsConnect(t, { alpn: ['http/1.1'] });
      const done = new Promise<Outcome>((resolve) => socket.on('close', () => resolve({ kind: 'closed' })));
      let answered = false;
      socket.on('data', () => (answered = true));
      socket.write(`POST ${V3} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Length: ${NORMAL_BODY.length}\r\n\r\n${NORMAL_BODY}`);
      const outcome = await done;
      assert.ok(answered, 'the request was answered before the idle close');
      return outcome;
    },
  },

  // ── TLS ─────────────────────────────────────────────────────────────────────────────────────
  { name: 'garbage instead of a ClientHello: closed', expect: 'closed', run: (t) => tcpRaw(t, [Buffer.alloc(512, 0x16)]) },
  { name: 'plain HTTP to the TLS port: closed', expect: 'closed', run: (t) => tcpRaw(t, [req('POST', V3, [], NORMAL_BODY)]) },
  { name: 'an SSLv2-style ClientHello: closed', expect: 'closed', run: (t) => tcpRaw(t, [Buffer.from('803e0100020015001000100100800200800300800400800500800600400700c0', 'hex')]) },
  { name: 'half a ClientHello, then silence: closed after tls_handshake_timeout_ms', expect: 'closed', run: (t) => tcpRaw(t, [Buffer.from('160301', 'hex')]) },
  { name: 'a TCP connection that never says anything: closed after tls_handshake_timeout_ms', expect: 'closed', run: (t) => tcpRaw(t, []) },
  { name: 'ALPN offering only http/1.0: served over HTTP/1.0', expect: 200, run: (t) => tlsThenH1(t, ['http/1.0'], `POST ${V3} HTTP/1.0\r\n${AUTH}\r\nContent-Length: ${NORMAL_BODY.length}\r\n\r\n${NORMAL_BODY}`) },
  { name: 'no ALPN at all: served over HTTP/1.1', expect: 200, run: (t) => tlsThenH1(t, undefined, req('POST', V3, [], NORMAL_BODY)) },
  { name: 'ALPN offering only protocols Herald does not speak: no_application_protocol alert (RFC 7301 §3.2)', expect: 'tls-alert', run: (t) => tlsThenH1(t, ['spdy/3.1', 'h2c'], '') },

  // ── connection floods (bounded, several loopback addresses) ─────────────────────────────────
  {
    name: 'a flood of 40 connections from 127.0.0.2 gets max_connections_per_client; the normal client is served meanwhile',
    expect: 200,
    run: async (t) => {
      const held = await openMany(t, '127.0.0.2', 40);
      try {
        assert.equal(held.filter((s) => s !== undefined).length, 16);
        return toOutcome(await normalH2(t));
      } finally {
        for (const s of held) s?.destroy();
        await eventually(() => t.server.gauges.connections === 0, 'the flood is released');
      }
    },
    also: async (t) => assert.ok((await metric(t, 'herald_rest_connections_refused_total{reason="max_connections_per_client"}')) >= 24),
  },
  {
    name: 'floods from four addresses fill max_connections; the normal client’s open connection is still served',
    expect: 200,
    run: async (t) => {
      const session = http2.connect(t.url, { ca: t.ca });
      session.on('error', () => undefined);
      const held = (await Promise.all(['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'].map((a) => openMany(t, a, 16)))).flat();
      try {
        assert.ok(held.filter((s) => s !== undefined).length <= 63, 'the total holds');
        return await new Promise<Outcome>((resolve) => {
          const stream = session.request({ ':method': 'POST', ':path': NORMAL_PATH, ...t.goodHeaders });
          let status = 0;
          let body = '';
          stream.on('response', (h) => (status = Number(h[':status'])));
          stream.setEncoding('utf8');
          stream.on('data', (c: string) => (body += c));
          stream.on('end', () => resolve({ kind: 'answer', status, body, headers: { 'content-type': 'application/json' } }));
          stream.end(NORMAL_BODY);
        });
      } finally {
        session.close();
        for (const s of held) s?.destroy();
        await eventually(() => t.server.gauges.connections === 0, 'the floods are released');
      }
    },
  },
];

/** Opens `n` TLS connections from `localAddress`; undefined for each one the server refused. */
async function openMany(t: Target, localAddress: string, n: number): Promise<Array<TLSSocket | undefined>> {
  return Promise.all(
    Array.from({ length: n }, () =>
      tlsConnect(t, { alpn: ['h2'], localAddress }).then(
        (s) => {
          s.on('error', () => undefined);
          return s;
        },
        () => undefined,
      ),
    ),
  );
}

function toOutcome(answer: { status: number; body: string; headers: Record<string, unknown> }): Outcome {
  return { kind: 'answer', status: answer.status, body: answer.body, headers: { 'content-type': String(answer.headers['content-type']) } };
}

/** Does the outcome match the expectation? Throws with both when not. */
export function assertExpected(expect: Expect, outcome: Outcome): void {
  const shown = JSON.stringify(outcome.kind === 'answer' ? { ...outcome, body: outcome.body.slice(0, 200) } : outcome);
  if (typeof expect === 'number') {
    assert.ok(outcome.kind === 'answer' && outcome.status === expect, `expected ${expect}, got ${shown}`);
    assert.match(outcome.headers['content-type'] ?? '', /^application\/json/, `JSON answer: ${shown}`);
    assert.doesNotThrow(() => JSON.parse(outcome.body), `a JSON body: ${shown}`);
  } else if (expect === 'ended') {
    assert.ok(outcome.kind === 'goaway' || outcome.kind === 'closed', `expected the connection ended, got ${shown}`);
  } else if (typeof expect === 'string') {
    assert.equal(outcome.kind, expect, `expected ${expect}, got ${shown}`);
  } else if ('reset' in expect) {
    assert.deepEqual(outcome, { kind: 'reset', code: expect.reset }, `expected RST_STREAM ${expect.reset}, got ${shown}`);
  } else {
    assert.deepEqual(outcome, { kind: 'goaway', code: expect.goaway }, `expected GOAWAY ${expect.goaway}, got ${shown}`);
  }
}
