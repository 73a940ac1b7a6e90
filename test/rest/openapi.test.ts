/**
 * The OpenAPI document at GET /swagger.json, held against the code it describes: every documented
 * property goes through the real validators, every answer the mappers can give is looked up in
 * the document. A field added to a validator or a reason added to a mapper or to the error
 * registry (core/errors.ts) without the document (or the reverse) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ERRORS, type ErrorSpec } from '../../src/core/errors.js';
import type { PushFailureReason } from '../../src/push-service/notification.js';
import { parseDeepNotification } from '../../src/rest/deep-schema.js';
import { parseFlatNotification } from '../../src/rest/flat-schema.js';
import { OPENAPI_DOCUMENT } from '../../src/rest/openapi.js';
import { BAD_REQUEST, BODY_TIMEOUT, HEADER_FIELDS_TOO_LARGE, jsonResponse, URI_TOO_LONG } from '../../src/rest/rest-response.js';
import { UNAUTHORIZED } from '../../src/rest/bearer-auth.js';
import { V2_BODY_TOO_LARGE, V2_TRY_LATER, v2Response } from '../../src/rest/v2-responses.js';
import { V3_BODY_TOO_LARGE, V3_FAILURES, V3_OVERLOADED, V3_SUCCESS } from '../../src/rest/v3-responses.js';
import type { NotificationParseResult } from '../../src/rest/cast.js';
import type { RestResponse } from '../../src/rest/rest-response.js';
import { IDEMPOTENCY_ANSWERS } from '../../src/rest/idempotency/idempotency-answers.js';
import { CLIENTS, startTestServer, type TestServer } from './rest-test-kit.js';

type Json = Record<string, any>;
/** The document as a client reads it: plain JSON. */
const doc = JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)) as Json;

/** Follows a local `$ref` (RFC 6901 pointer into the document). */
function resolve(node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  const target = (node.$ref as string)
    .replace(/^#\//, '')
    .split('/')
    .reduce<Json | undefined>((at, token) => at?.[token.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  assert.ok(target, `${node.$ref} resolves`);
  return resolve(target);
}

const schema = (name: string) => resolve({ $ref: `#/components/schemas/${name}` });

/** Every value the document offers for a property: its example, each branch's example, each enum value. */
function documentedValues(property: Json): unknown[] {
  const p = resolve(property);
  const branches = (p.anyOf ?? []) as Json[];
  const values: unknown[] = [];
  if ('example' in p) values.push(p.example);
  for (const branch of branches) if ('example' in branch) values.push(branch.example);
  for (const branch of [p, ...branches]) values.push(...((branch.enum ?? []) as unknown[]));
  return values;
}

type Parse = (body: unknown, deviceId: string) => NotificationParseResult;

/** One object schema of the document, the validator that reads it, and how a property is placed in a valid body. */
interface Case {
  name: string;
  schema: Json;
  parse: Parse;
  /** A body the validator accepts. */
  base(): Json;
  /** Where the schema's properties sit inside that body. */
  holder(body: Json): Json;
}

/** A deep body's Web Push fields go together: service "webpush" requires p256dh and auth, which no other service takes. */
const WEBPUSH_KEYS = { p256dh: `BA${'A'.repeat(85)}`, auth: 'A'.repeat(22) };

function withProperty(c: Case, key: string, value: unknown): Json {
  const body = c.base();
  const holder = c.holder(body);
  if (holder === body && body.service === 'apns' && (value === 'webpush' || key in WEBPUSH_KEYS)) Object.assign(body, { service: 'webpush', ...WEBPUSH_KEYS });
  holder[key] = value;
  return body;
}

const ALERT = { title: 't', body: 'b' };
const CASES: Case[] = [
  {
    name: 'DeepNotification (v2/v3)',
    schema: schema('DeepNotification'),
    parse: parseDeepNotification,
    base: () => ({ service: 'apns', alert: { ...ALERT } }),
    holder: (body) => body,
  },
  {
    name: 'Alert (inside a deep body)',
    schema: schema('Alert'),
    parse: parseDeepNotification,
    base: () => ({ service: 'apns', alert: { ...ALERT } }),
    holder: (body) => body.alert as Json,
  },
  {
    name: 'FlatNotification (v1)',
    schema: schema('FlatNotification'),
    parse: parseFlatNotification,
    base: () => ({ service: 'apns', ...ALERT }),
    holder: (body) => body,
  },
];

function problemsOf(parse: Parse, body: unknown): string[] {
  const result = parse(body, 'f53453455');
  return result.ok ? [] : result.errors.map((e) => `${e.source.pointer}: ${e.message}`);
}

describe('the OpenAPI document against the validators', () => {
  for (const c of CASES) {
    test(`every property of ${c.name}, in each documented form, is accepted by its validator`, () => {
      for (const [key, property] of Object.entries(c.schema.properties as Json)) {
        const values = documentedValues(property as Json);
        assert.ok(values.length > 0, `${key} has an example`);
        for (const value of values) {
          assert.deepEqual(problemsOf(c.parse, withProperty(c, key, value)), [], `${key} = ${JSON.stringify(value)}`);
        }
      }
    });

    test(`every property of ${c.name} says what it means`, () => {
      for (const [key, property] of Object.entries(c.schema.properties as Json)) {
        const description = resolve(property as Json).description as unknown;
        assert.ok(typeof description === 'string' && description.length > 10, `${key} has a description`);
      }
    });

    test(`${c.name} refuses unknown properties, as its additionalProperties: false says`, () => {
      assert.equal(c.schema.additionalProperties, false);
      const problems = problemsOf(c.parse, withProperty(c, 'not_in_the_document', 'x'));
      assert.equal(problems.length, 1);
      assert.ok(problems[0]!.endsWith('not_in_the_document: Unexpected field: not_in_the_document'), problems[0]);
    });

    test(`every required property of ${c.name} is required by its validator`, () => {
      for (const key of c.schema.required as string[]) {
        const body = c.base();
        delete c.holder(body)[key];
        assert.ok(problemsOf(c.parse, body).some((p) => p.endsWith(`Missing field: ${key}`)), `${key} is required`);
      }
    });

    test(`every enum of ${c.name} admits nothing but its documented values`, () => {
      for (const [key, property] of Object.entries(c.schema.properties as Json)) {
        const p = resolve(property as Json);
        if (!Array.isArray(p.enum)) continue;
        assert.notDeepEqual(problemsOf(c.parse, withProperty(c, key, `not-${p.enum[0]}`)), [], `${key} refuses an undocumented value`);
      }
    });
  }

  test('a deep body needs alert or data, as the anyOf says', () => {
    assert.deepEqual(schema('DeepNotification').anyOf, [{ required: ['alert'] }, { required: ['data'] }]);
    assert.deepEqual(problemsOf(parseDeepNotification, { service: 'fcm' }), ['/alert: Missing field: alert']);
    assert.deepEqual(problemsOf(parseDeepNotification, { service: 'fcm', data: {} }), []);
  });

  test("the string forms MongooseIM sends are documented and accepted: time_to_live \"3600\", mutable_content \"true\"", () => {
    const deep = schema('DeepNotification').properties as Json;
    assert.ok(documentedValues(deep.time_to_live).includes('3600'));
    assert.ok(documentedValues(deep.mutable_content).includes('true'));
  });
});

/** The document's answer for one status of one operation, with its JSON schema. */
function documentedAnswer(path: string, status: number): { schema: Json; raw: Json } | undefined {
  const responses = doc.paths[path].post.responses as Json;
  const answer = responses[String(status)] as Json | undefined;
  if (answer === undefined) return undefined;
  const resolved = resolve(answer);
  return { raw: resolved, schema: resolve(resolved.content['application/json'].schema as Json) };
}

/** The object schemas an answer's schema allows: itself, or each branch of its anyOf. */
function branchesOf(schema: Json): Json[] {
  return Array.isArray(schema.anyOf) ? (schema.anyOf as Json[]).map(resolve) : [schema];
}

/** Every `reason` a documented answer may carry. */
function reasonsOf(schema: Json): string[] {
  return branchesOf(schema).flatMap((branch) => (branch.properties?.reason?.enum ?? []) as string[]);
}

/** Why `body` does not fit one object schema, or undefined when it does. */
function misfit(schema: Json, body: unknown): string | undefined {
  if (body === null) return schema.type === 'null' ? undefined : 'may not be null';
  for (const [field, value] of Object.entries(body as Json)) {
    const property = schema.properties?.[field] as Json | undefined;
    if (!property) return `does not document the field ${field}`;
    if (Array.isArray(property.enum) && !property.enum.includes(value)) return `does not list ${field} "${value}"`;
  }
  return undefined;
}

/** Checks one answer a mapper can write against the document of `path`. */
function assertDocumented(path: string, response: RestResponse, what: string): void {
  const answer = documentedAnswer(path, response.status);
  assert.ok(answer, `${path} documents ${response.status} (${what})`);
  const body = JSON.parse(response.body) as unknown;
  const misfits = branchesOf(answer.schema).map((branch) => misfit(branch, body));
  assert.ok(misfits.includes(undefined), `${path} ${response.status} ${misfits.join(', ')} (${what})`);
}

const REASONS = Object.keys(V3_FAILURES) as PushFailureReason[];
const V3_PATH = '/v3/notification/{device_id}';
const V2_PATHS = ['/v1/notification/{device_id}', '/v2/notification/{device_id}'];

describe('the OpenAPI document against the answers', () => {
  test('every status and reason the v3 mapper can produce is documented for /v3', () => {
    for (const [reason, response] of Object.entries(V3_FAILURES)) assertDocumented(V3_PATH, response, reason);
    assertDocumented(V3_PATH, V3_SUCCESS, 'success');
    assertDocumented(V3_PATH, V3_BODY_TOO_LARGE, 'body over the limit');
  });

  test('each v3 failure status documents exactly the reasons the mapper, the load shedding and the HTTP/1.1 parser give it', () => {
    const byStatus = new Map<number, string[]>();
    for (const [reason, response] of Object.entries(V3_FAILURES)) byStatus.set(response.status, [...(byStatus.get(response.status) ?? []), reason]);
    for (const answer of [V3_OVERLOADED, BAD_REQUEST, ...Object.values(IDEMPOTENCY_ANSWERS)]) {
      const { reason } = JSON.parse(answer.body) as { reason: string };
      byStatus.set(answer.status, [...(byStatus.get(answer.status) ?? []), reason]);
    }
    for (const [status, reasons] of byStatus) {
      assert.deepEqual(reasonsOf(documentedAnswer(V3_PATH, status)!.schema).sort(), reasons.sort(), `status ${status}`);
    }
  });

  test('every status the v1/v2 mapper can produce is documented for /v1 and /v2', () => {
    for (const path of V2_PATHS) {
      assertDocumented(path, v2Response({ ok: true, id: 'x' }), 'success');
      assertDocumented(path, V2_BODY_TOO_LARGE, 'body over the limit');
      for (const reason of REASONS) {
        assertDocumented(path, v2Response({ ok: false, reason }), reason);
        assertDocumented(path, v2Response({ ok: false, reason, providerReason: 'BadDeviceToken', status: 400 }), `${reason} from the provider`);
      }
    }
  });

  test('the answers every version shares are documented on every notification path: 400, 401, 408, 414, 422 and 431', () => {
    const unprocessable = { status: 422, body: JSON.stringify({ errors: [{ title: 'Invalid value', source: { pointer: '/service' }, message: 'Missing field: service' }] }) };
    for (const path of [V3_PATH, ...V2_PATHS]) {
      assertDocumented(path, UNAUTHORIZED, 'no bearer token');
      assertDocumented(path, BODY_TIMEOUT, 'body too slow');
      assertDocumented(path, unprocessable, 'invalid body');
      assertDocumented(path, BAD_REQUEST, 'not HTTP/1.1');
      assertDocumented(path, URI_TOO_LONG, 'URL too long');
      assertDocumented(path, HEADER_FIELDS_TOO_LARGE, 'header section too large');
      for (const [name, answer] of Object.entries(IDEMPOTENCY_ANSWERS)) assertDocumented(path, answer, `Idempotency-Key ${name}`);
    }
  });

  test('the Idempotency-Key header and the 409 Retry-After are documented on every notification path', () => {
    for (const path of [V3_PATH, ...V2_PATHS]) {
      const parameters = (doc.paths[path].post.parameters as Json[]).map(resolve);
      assert.ok(parameters.some((p) => p.name === 'Idempotency-Key' && p.in === 'header' && p.required === false), path);
      const inFlight = resolve(doc.paths[path].post.responses['409'] as Json);
      assert.deepEqual(inFlight.headers['Retry-After'].schema.enum, [Number(IDEMPOTENCY_ANSWERS.inFlight.headers!['retry-after'])], path);
    }
  });

  test("each code's REST answer in the error registry is documented for /v3 under its status", () => {
    for (const [code, { rest }] of Object.entries(ERRORS) as [string, ErrorSpec][]) {
      if (rest) assertDocumented(V3_PATH, jsonResponse(rest.status, { reason: rest.reason }), code);
    }
  });

  test('/v3 names no reason but those the error registry, the provider outcomes and the REST port itself can give', () => {
    const given = new Set<string>([...REASONS, ...Object.values(ERRORS).flatMap((s: ErrorSpec) => (s.rest ? [s.rest.reason] : []))]);
    for (const answer of [V3_OVERLOADED, BAD_REQUEST, UNAUTHORIZED, BODY_TIMEOUT, URI_TOO_LONG, HEADER_FIELDS_TOO_LARGE, ...Object.values(IDEMPOTENCY_ANSWERS)]) {
      given.add((JSON.parse(answer.body) as { reason: string }).reason);
    }
    for (const [status, answer] of Object.entries(doc.paths[V3_PATH].post.responses as Json)) {
      const reasons = reasonsOf(resolve(resolve(answer as Json).content?.['application/json']?.schema ?? {}));
      for (const reason of reasons) assert.ok(given.has(reason), `${status} ${reason} can be given`);
    }
  });

  test('the answer of a request shed under load is documented for every version', () => {
    assertDocumented(V3_PATH, V3_OVERLOADED, 'shed');
    for (const path of V2_PATHS) assertDocumented(path, V2_TRY_LATER, 'shed');
  });

  test('every $ref in the document resolves', () => {
    const refs: string[] = [];
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === '$ref') refs.push(value as string);
      return value;
    });
    assert.ok(refs.length > 0);
    for (const $ref of refs) resolve({ $ref });
  });

  test('info.version is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(doc.info.version, pkg.version);
    assert.equal(doc.openapi, '3.1.0');
  });
});

describe('GET /swagger.json', () => {
  let open: TestServer;
  let guarded: TestServer;
  before(async () => {
    open = await startTestServer();
    guarded = await startTestServer({ auth_tokens: ['docs-token'] });
  });
  after(async () => {
    await open.close();
    await guarded.close();
  });

  for (const client of CLIENTS) {
    test(`serves the document as JSON (${client.name})`, async () => {
      const answer = await client.request(open, { method: 'GET', path: '/swagger.json' });
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(answer.body), doc);
    });
  }

  test('sits behind the bearer token like /healthcheck and the notification routes', async () => {
    assert.equal((await CLIENTS[1].request(guarded, { method: 'GET', path: '/swagger.json' })).status, 401);
    const authorized = await CLIENTS[1].request(guarded, { method: 'GET', path: '/swagger.json', headers: { authorization: 'Bearer docs-token' } });
    assert.equal(authorized.status, 200);
    assert.equal(JSON.parse(authorized.body).info.title, doc.info.title);
  });

  test('answers another method with 405 and Allow: GET', async () => {
    const answer = await CLIENTS[0].request(open, { method: 'POST', path: '/swagger.json', body: '{}' });
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.allow, 'GET');
  });

  test('is served even without an ops source, while /healthcheck and /metrics are then 404', async () => {
    assert.equal((await CLIENTS[1].request(open, { method: 'GET', path: '/swagger.json?pretty' })).status, 200);
    assert.equal((await CLIENTS[1].request(open, { method: 'GET', path: '/healthcheck' })).status, 404);
    assert.equal((await CLIENTS[1].request(open, { method: 'POST', path: '/metrics', body: '{}' })).status, 404);
  });
});
