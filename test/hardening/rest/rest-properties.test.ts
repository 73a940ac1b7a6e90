/**
 * Property-based fuzzing (fast-check) of REST bodies, paths and headers on v1, v2 and v3, over
 * HTTP/2 and HTTP/1.1: every request gets a 2xx or the right 4xx with a JSON body — never a 5xx
 * of Herald's own making, never a crash — and a normal request is served afterwards.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { NORMAL_BODY, normalH1, normalH2, startTarget, type Target } from './harness.js';

const TOKEN = 'property-token';
const RUNS = 250;

type Auth = 'valid' | 'absent' | 'wrong' | 'basic' | 'lowercase';

interface Input {
  version: string;
  deviceId: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
  auth: Auth;
}

/** Header names a client may send on both protocols (RFC 9113 §8.2.2 forbids connection-specific ones). */
const FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'host', 'content-length', 'authorization', 'expect']);
const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/).filter((n) => !FORBIDDEN.has(n));
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,200}[\x21-\x7e])?$/);

const count = fc.oneof(fc.integer({ min: -5, max: 2 ** 32 }), fc.integer().map(String), fc.double(), fc.constantFrom('3600', '1e3', '', '-0', '0x10'));
const text = fc.oneof(fc.string({ maxLength: 64 }), fc.constant(''), fc.integer(), fc.constant(null));
const alert = fc.record(
  { title: text, body: text, badge: count, sound: text, tag: text, click_action: text, extra: fc.jsonValue({ maxDepth: 2 }) },
  { requiredKeys: [] },
);
/** Deep (v2/v3) bodies: right and wrong types, missing and unknown fields. */
const deepBody = fc.record(
  {
    service: fc.oneof(fc.constantFrom('apns', 'fcm'), text),
    mode: fc.oneof(fc.constantFrom('prod', 'dev'), text),
    priority: fc.oneof(fc.constantFrom('normal', 'high'), text),
    time_to_live: count,
    mutable_content: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes', 1)),
    tags: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), text),
    topic: text,
    alert: fc.oneof(alert, text),
    data: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), text),
    __proto__: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
/** Flat (v1) bodies. */
const flatBody = fc.record(
  { service: fc.oneof(fc.constantFrom('apns', 'fcm'), text), title: text, body: text, badge: count, tag: text, topic: text, mode: text, data: fc.jsonValue({ maxDepth: 2 }) },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 4, arbitrary: deepBody.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: flatBody.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 500 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 16_000, max: 40_000 }).map((n) => `{"service":"fcm","data":{"x":"${'x'.repeat(n)}"}}`) },
);
const input: fc.Arbitrary<Input> = fc.record({
  version: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('v1', 'v2', 'v3') }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9_]{0,6}$/) }),
  deviceId: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ minLength: 0, maxLength: 300 }).map(encodeURIComponent)),
  body,
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 12 }),
  auth: fc.constantFrom<Auth>('valid', 'valid', 'valid', 'absent', 'wrong', 'basic', 'lowercase'),
});

function authorization(auth: Auth): Record<string, string> {
  switch (auth) {
    case 'valid':
      return { authorization: `Bearer ${TOKEN}` };
    case 'lowercase':
      return { authorization: `bearer ${TOKEN}` };
    case 'wrong':
      return { authorization: `Bearer ${TOKEN}x` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` };
    case 'absent':
      return {};
  }
}

interface Reply {
  status: number;
  body: string;
  contentType: string | undefined;
}

function viaH2(session: http2.ClientHttp2Session, i: Input): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ...i.headers,
      ...authorization(i.auth),
      ':method': 'POST',
      ':path': `/${i.version}/notification/${i.deviceId}`,
      'content-type': i.headers['content-type'] ?? 'application/json',
    });
    let status = 0;
    let contentType: string | undefined;
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      contentType = h['content-type'];
    });
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () => resolve({ status, body: text, contentType }));
    stream.on('error', reject);
    stream.end(i.body);
  });
}

function viaH1(t: Target, agent: https.Agent, i: Input): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: t.port,
        servername: 'localhost',
        path: `/${i.version}/notification/${i.deviceId}`, // as sent: "//notification/" is a path here, not a host
        method: 'POST',
        ca: t.ca,
        agent,
        headers: { 'content-type': 'application/json', ...i.headers, ...authorization(i.auth) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, contentType: res.headers['content-type'] }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(i.body);
  });
}

/** The answer a request may get: which statuses, and that it is JSON. */
function assertRightAnswer(i: Input, reply: Reply): void {
  const allowed = new Set([200, 400, 401, 404, 413, 414, 422, 431]);
  assert.ok(allowed.has(reply.status), `status ${reply.status} for ${JSON.stringify({ ...i, body: String(i.body).slice(0, 200) })}: ${reply.body}`);
  assert.match(reply.contentType ?? '', /^application\/json/);
  assert.doesNotThrow(() => JSON.parse(reply.body), reply.body);
  const authorized = i.auth === 'valid' || i.auth === 'lowercase';
  if (!authorized) assert.ok([401, 414, 431].includes(reply.status), `unauthenticated got ${reply.status}`);
  else assert.notEqual(reply.status, 401);
}

describe('REST properties', () => {
  let t: Target;
  before(async () => {
    t = await startTarget({ auth_tokens: [TOKEN] });
  });
  after(() => t.close());

  test(`HTTP/2: ${RUNS} random bodies, paths and headers each get a 2xx or the right 4xx with a JSON body`, async () => {
    const session = http2.connect(t.url, { ca: t.ca });
    session.on('error', () => undefined);
    try {
      await fc.assert(
        fc.asyncProperty(input, async (i) => assertRightAnswer(i, await viaH2(session, i))),
        { numRuns: RUNS },
      );
    } finally {
      session.close();
    }
    assert.equal((await normalH2(t)).status, 200);
  });

  test(`HTTP/1.1: ${RUNS} random bodies, paths and headers each get a 2xx or the right 4xx with a JSON body`, async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(input, async (i) => assertRightAnswer(i, await viaH1(t, agent, i))),
        { numRuns: RUNS },
      );
    } finally {
      agent.destroy();
    }
    assert.equal((await normalH1(t)).status, 200);
  });

  test('a header section is refused with 431 exactly when it is far over max_header_bytes, on both protocols', async () => {
    const session = http2.connect(t.url, { ca: t.ca, maxSendHeaderBlockLength: 1 << 20 });
    session.on('error', () => undefined);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.integer({ min: 0, max: 15_000 }), fc.integer({ min: 16_500, max: 60_000 })),
          fc.boolean(),
          async (length, h2) => {
            const i: Input = { version: 'v3', deviceId: 'abc', body: NORMAL_BODY, headers: { 'x-pad': 'p'.repeat(Math.max(1, length)) }, auth: 'valid' };
            const reply = h2 ? await viaH2(session, i) : await viaH1(t, agent, i);
            assert.equal(reply.status, length > 16_384 ? 431 : 200, `${length} bytes over ${h2 ? 'HTTP/2' : 'HTTP/1.1'}`);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      session.close();
      agent.destroy();
    }
  });

  test('no request of the properties reached Herald’s error log', () => {
    assert.deepEqual(t.log.lines.filter((l) => l.level === 'error'), []);
  });
});
