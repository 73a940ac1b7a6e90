/**
 * Real answers of a running REST server, each validated against /swagger.json as that server
 * serves it: the status must be documented for the path and method, and the body must satisfy
 * the documented JSON Schema (ajv, draft 2020-12). Successes and every kind of error: each
 * provider outcome, each error-registry code with a REST answer, bad bodies, bodies over the
 * limit or too slow, no bearer token, a URL or header section over the limits, bad HTTP/1.1
 * framing; on v1, v2 and v3, over HTTP/1.1 and HTTP/2; and the ops routes.
 */
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { configSchema } from '../../src/core/config/schema.js';
import { ERRORS, HeraldError, type ErrorCode, type ErrorSpec } from '../../src/core/errors.js';
import type { PushFailureReason } from '../../src/push-service/notification.js';
import { poolsOpsSource } from '../../src/push-service/ops/ops-source.js';
import { V3_FAILURES } from '../../src/rest/v3-responses.js';
import { startRestServer } from '../../src/rest/server.js';
import { DocumentValidator, errorsOf } from './openapi-validator.js';
import { CLIENTS, h2Request, ProgrammedDispatcher, testTlsPair, type Answer, type RequestSpec, type TestServer } from './rest-test-kit.js';

const TOKEN = 'contract-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const BODY_LIMIT_BYTES = 1_024;
const DEVICE = 'f53453455';
const VERSIONS = ['v1', 'v2', 'v3'] as const;
const REASONS = Object.keys(V3_FAILURES) as PushFailureReason[];
/** A valid body per version (v1 is flat). */
const VALID: Record<(typeof VERSIONS)[number], string> = {
  v1: JSON.stringify({ service: 'apns', title: 'alice@localhost', body: 'OH, HAI!', badge: '1' }),
  v2: JSON.stringify({ service: 'fcm', alert: { title: 'alice@localhost', body: 'OH, HAI!' }, time_to_live: '3600' }),
  v3: JSON.stringify({ service: 'apns', data: { 'message-count': 1 }, mutable_content: 'true' }),
};

let t: TestServer;
let served: DocumentValidator;

before(async () => {
  const tls = await testTlsPair();
  const dispatcher = new ProgrammedDispatcher();
  const config = { ...configSchema.parse({}).rest, bind: '127.0.0.1', port: 0, auth_tokens: [TOKEN], body_limit_bytes: BODY_LIMIT_BYTES, body_timeout_ms: 200 };
  const server = await startRestServer({ config, dispatcher, tls, ops: poolsOpsSource([], 'test') });
  t = { server, dispatcher, ca: tls.cert, close: () => server.close() };
  const answer = await CLIENTS[1].request(t, { method: 'GET', path: '/swagger.json', headers: AUTH });
  assert.equal(answer.status, 200);
  served = new DocumentValidator(JSON.parse(answer.body) as Record<string, unknown>);
});
after(() => t.close());

/** Asserts that the answer to `method path` (documented under `template`) is in the served document. */
function assertDocumented(template: string, method: string, answer: Answer, what: string): void {
  const validate = served.answer(template, method.toLowerCase(), answer.status);
  assert.ok(validate, `${method} ${template} documents ${answer.status} (${what}, ${answer.protocol}): ${answer.body}`);
  const body = JSON.parse(answer.body) as unknown;
  assert.ok(validate(body), `${method} ${template} ${answer.status} (${what}, ${answer.protocol}): ${answer.body}: ${errorsOf(validate)}`);
}

function post(version: string, body: string, headers: Record<string, string> = AUTH): RequestSpec {
  return { method: 'POST', path: `/${version}/notification/${DEVICE}`, body, headers: { 'content-type': 'application/json', ...headers } };
}

for (const client of CLIENTS) {
  describe(`real answers match /swagger.json (${client.name})`, () => {
    for (const version of VERSIONS) {
      const template = `/${version}/notification/{device_id}`;
      const send = async (spec: RequestSpec, what: string, expected?: number) => {
        const answer = await client.request(t, spec);
        if (expected !== undefined) assert.equal(answer.status, expected, `${what}: ${answer.body}`);
        assertDocumented(template, 'POST', answer, what);
        return answer;
      };

      test(`${version}: a notification sent, and each provider outcome`, async () => {
        t.dispatcher.throws = undefined;
        t.dispatcher.outcome = { ok: true, id: 'x' };
        await send(post(version, VALID[version]), 'sent', 200);
        for (const reason of REASONS) {
          t.dispatcher.outcome = { ok: false, reason };
          await send(post(version, VALID[version]), reason);
          t.dispatcher.outcome = { ok: false, reason, providerReason: 'BadDeviceToken', status: 400 };
          await send(post(version, VALID[version]), `${reason} with the provider's reason`);
        }
        t.dispatcher.outcome = { ok: true, id: 'x' };
      });

      test(`${version}: each error-registry code with a REST answer, thrown by the dispatcher`, async () => {
        for (const [code, spec] of Object.entries(ERRORS) as [ErrorCode, ErrorSpec][]) {
          if (!spec.rest) continue;
          t.dispatcher.throws = new HeraldError(code, 'thrown by the test');
          await send(post(version, VALID[version]), code);
        }
        t.dispatcher.throws = undefined;
      });

      test(`${version}: bodies that are not JSON, do not fit the schema, or are over the limit`, async () => {
        await send(post(version, '{"service":'), 'not JSON', 422);
        await send(post(version, JSON.stringify({ service: 'blackberry', badge: -1, extra: 1 })), 'invalid fields', 422);
        await send(post(version, JSON.stringify({ service: 'apns', data: { pad: 'x'.repeat(BODY_LIMIT_BYTES) } })), 'over the body limit', 413);
      });

      test(`${version}: no bearer token, a URL or a header section over the limits`, async () => {
        await send(post(version, VALID[version], {}), 'no token', 401);
        await send({ ...post(version, VALID[version]), path: `/${version}/notification/${'a'.repeat(9_000)}` }, 'URL too long', 414);
        await send(post(version, VALID[version], { ...AUTH, 'x-padding': 'p'.repeat(17_000) }), 'header section too large', 431);
      });
    }

    test('the ops routes: /healthcheck, /metrics and /swagger.json', async () => {
      const health = await client.request(t, { method: 'GET', path: '/healthcheck', headers: AUTH });
      const validate = served.answer('/healthcheck', 'get', health.status);
      assert.ok(validate, `/healthcheck documents ${health.status}`);
      assert.ok(validate(JSON.parse(health.body)), `${health.body}: ${errorsOf(validate)}`);
      const metrics = await client.request(t, { method: 'GET', path: '/metrics', headers: AUTH });
      assert.equal(metrics.status, 200);
      const documented = Object.keys((served.document.paths['/metrics'].get.responses['200'].content ?? {}) as object);
      assert.deepEqual(documented, [String(metrics.headers['content-type'])]);
      assertDocumented('/healthcheck', 'GET', await client.request(t, { method: 'GET', path: '/healthcheck' }), 'no token');
    });
  });
}

test('a body too slow to arrive is answered as documented (HTTP/2, the body never finished)', async () => {
  const answer = await h2Request(t, { ...post('v3', '{"service":'), unfinished: true });
  assert.equal(answer.status, 408);
  assertDocumented('/v3/notification/{device_id}', 'POST', answer, 'body timeout');
});

test('a request that is not HTTP/1.1 as RFC 9112 defines it is answered as documented', async () => {
  const socket = tls.connect({ host: '127.0.0.1', port: t.server.port, ca: t.ca, servername: 'localhost', ALPNProtocols: ['http/1.1'] });
  socket.setEncoding('utf8');
  let raw = '';
  socket.on('data', (chunk: string) => (raw += chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  // RFC 9112 §6.1: Content-Length with Transfer-Encoding is a framing error.
  socket.write(`POST /v3/notification/${DEVICE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`);
  await closed;
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  assert.equal(status, 400, raw);
  assertDocumented('/v3/notification/{device_id}', 'POST', { status, headers: {}, body, protocol: 'http/1.1' }, 'bad framing');
});
