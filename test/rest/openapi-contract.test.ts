/**
 * The zod contract (notification-schemas.ts), the JSON Schema generated from it into
 * /swagger.json, and the hand validators on the request path (flat-schema.ts, deep-schema.ts)
 * give the same verdict on every generated body: accepted by all three, or refused by all three.
 * The generators mix valid values with the near misses that matter (the string forms MongooseIM
 * sends, int32 bounds, "-0", leading zeros, null for absent, unknown keys, wrong types).
 *
 * Documented difference: none in the verdict. The hand validators also cast (a string count
 * becomes a number) and word the 422 as MongoosePush does; the schemas only decide.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { INT32_MAX } from '../../src/rest/cast.js';
import { parseDeepNotification } from '../../src/rest/deep-schema.js';
import { parseFlatNotification } from '../../src/rest/flat-schema.js';
import { DeepNotification, FlatNotification } from '../../src/rest/notification-schemas.js';
import { OPENAPI_DOCUMENT } from '../../src/rest/openapi.js';
import type { NotificationParseResult } from '../../src/rest/cast.js';
import { DocumentValidator, errorsOf } from './openapi-validator.js';

const served = new DocumentValidator(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)) as Record<string, unknown>);

const wrongType = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.constant([]), fc.constant({}));
/** Mostly valid values, so that whole bodies are valid often enough; sometimes a near miss. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, miss: fc.Arbitrary<U>) => fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: miss });
const text = mostly(fc.string(), wrongType);
const choice = (...valid: string[]) => mostly(fc.constantFrom(...valid), fc.oneof(fc.constantFrom('', valid[0]!.toUpperCase(), `${valid[0]} `), wrongType));
const count = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(INT32_MAX, INT32_MAX + 1, -0, 1.5, 3600, 2 ** 53),
  fc.constantFrom('0', '-0', '+0', '-00', '+7', '007', '3600', '2147483647', '02147483647', '2147483648', '-1', '1.0', '1e3', ' 1', '', '+', '0x10'),
  fc.stringMatching(/^[+-]?[0-9]{1,12}$/),
  wrongType,
);
const bool = mostly(fc.oneof(fc.boolean(), fc.constantFrom('true', 'false')), fc.oneof(fc.constantFrom('True', '1', ''), wrongType));
const tags = mostly(fc.array(fc.string(), { maxLength: 3 }), fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 3 }), wrongType));
const data = mostly(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), wrongType);
/** Keys a schema does not know, some close to ones it does. */
const unknownKey = fc.constantFrom('extra', 'Service', 'alert ', 'sound_', 'ttl');

function withUnknown<T>(body: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: body },
    { weight: 1, arbitrary: fc.tuple(body, unknownKey, fc.jsonValue({ maxDepth: 1 })).map(([b, k, v]) => (typeof b === 'object' && b !== null ? { ...b, [k]: v } : b)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

const alertFields = { title: text, body: text, badge: count, click_action: text, tag: text };
const alert = withUnknown(fc.record({ ...alertFields, sound: text }, { requiredKeys: [] }));
const deepBody = withUnknown(
  fc.record({ service: choice('apns', 'fcm'), mode: choice('prod', 'dev'), priority: choice('normal', 'high'), time_to_live: count, mutable_content: bool, tags, topic: text, alert, data }, { requiredKeys: [] }),
);
const flatBody = withUnknown(fc.record({ service: choice('apns', 'fcm'), mode: choice('prod', 'dev'), ...alertFields, topic: text, data }, { requiredKeys: [] }));

function sameVerdict(body: unknown, hand: (b: unknown, id: string) => NotificationParseResult, zod: { safeParse(b: unknown): { success: boolean } }, component: string): void {
  const byHand = hand(body, 'f53453455').ok;
  assert.equal(zod.safeParse(body).success, byHand, `zod vs hand validator on ${JSON.stringify(body)}`);
  const validate = served.component(component);
  assert.equal(validate(body), byHand, `/swagger.json's ${component} vs hand validator on ${JSON.stringify(body)}: ${errorsOf(validate)}`);
}

test('v2/v3 bodies: the zod schema, its JSON Schema in /swagger.json and the hand validator accept and refuse the same ones', () => {
  fc.assert(fc.property(deepBody, (body) => sameVerdict(body, parseDeepNotification, DeepNotification, 'DeepNotification')), { numRuns: 3000 });
});

test('v1 bodies: the zod schema, its JSON Schema in /swagger.json and the hand validator accept and refuse the same ones', () => {
  fc.assert(fc.property(flatBody, (body) => sameVerdict(body, parseFlatNotification, FlatNotification, 'FlatNotification')), { numRuns: 3000 });
});

test('the generators reach both verdicts, so the agreement above means something', () => {
  const verdicts = fc.sample(deepBody, { numRuns: 2000, seed: 42 }).map((b) => parseDeepNotification(b, 'x').ok);
  assert.ok(verdicts.filter(Boolean).length > 20, 'some generated v2/v3 bodies are valid');
  assert.ok(verdicts.filter((v) => !v).length > 20, 'some are not');
  const flat = fc.sample(flatBody, { numRuns: 2000, seed: 42 }).map((b) => parseFlatNotification(b, 'x').ok);
  assert.ok(flat.filter(Boolean).length > 20, 'some generated v1 bodies are valid');
});

test("MongooseIM's string forms are in the contract: \"3600\", \"true\", and not \"-1\", \"1.0\" or 2147483648", () => {
  const ok = (body: unknown) => DeepNotification.safeParse(body).success;
  assert.ok(ok({ service: 'apns', data: {}, time_to_live: '3600', mutable_content: 'true' }));
  assert.ok(ok({ service: 'apns', data: {}, time_to_live: '-0' }));
  for (const ttl of ['-1', '1.0', '2147483648', 2147483648, 1.5, null]) assert.ok(!ok({ service: 'apns', data: {}, time_to_live: ttl }), String(ttl));
});
