/** The deep schema as a pure function: casts, defaults and every reported problem. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INT32_MAX, MAX_REPORTED_ERRORS, parseDeepNotification } from '../../src/rest/deep-schema.js';
import { schemaProbes } from './schema-probes.js';

const { problems, accepted } = schemaProbes(parseDeepNotification);

describe('deep schema', () => {
  test('a minimal silent body gets mode prod and nothing it did not ask for', () => {
    assert.deepEqual(accepted({ service: 'fcm', data: {} }), { service: 'fcm', device_id: 'dev1', mode: 'prod', data: {} });
  });

  test('alert and data together are accepted (mixed notification)', () => {
    const n = accepted({ service: 'apns', alert: { title: 't', body: 'b' }, data: { x: { nested: [1] } } });
    assert.deepEqual(n.alert, { title: 't', body: 'b' });
    assert.deepEqual(n.data, { x: { nested: [1] } });
  });

  test('numeric strings are cast for time_to_live and badge; "true"/"false" for mutable_content', () => {
    const n = accepted({
      service: 'apns',
      time_to_live: '3600',
      mutable_content: 'false',
      alert: { title: 't', body: 'b', badge: '12' },
    });
    assert.equal(n.time_to_live, 3600);
    assert.equal(n.mutable_content, false);
    assert.equal(n.alert?.badge, 12);
  });

  test('int32 bounds hold for integers given as numbers or text', () => {
    assert.equal(accepted({ service: 'fcm', data: {}, time_to_live: INT32_MAX }).time_to_live, INT32_MAX);
    assert.deepEqual(problems({ service: 'fcm', data: {}, time_to_live: String(INT32_MAX + 1) }), [
      ['/time_to_live', `${INT32_MAX + 1} is larger than inclusive maximum ${INT32_MAX}`],
    ]);
    assert.deepEqual(problems({ service: 'fcm', data: {}, time_to_live: -1 }), [
      ['/time_to_live', '-1 is smaller than inclusive minimum 0'],
    ]);
    assert.deepEqual(problems({ service: 'fcm', data: {}, time_to_live: 1.5 }), [
      ['/time_to_live', 'Invalid integer. Got: number'],
    ]);
    assert.deepEqual(problems({ service: 'fcm', data: {}, time_to_live: '1e3' }), [
      ['/time_to_live', 'Invalid integer. Got: string'],
    ]);
  });

  test('null is not taken for an absent field', () => {
    assert.deepEqual(problems({ service: 'fcm', data: null, topic: null }), [
      ['/data', 'null value where object expected'],
      ['/topic', 'null value where string expected'],
    ]);
  });

  test('tags must be an array of strings', () => {
    assert.deepEqual(accepted({ service: 'fcm', data: {}, tags: ['a', 'b'] }).tags, ['a', 'b']);
    assert.deepEqual(problems({ service: 'fcm', data: {}, tags: 'a' }), [['/tags', 'Invalid array. Got: string']]);
  });

  test('data must be an object, not an array', () => {
    assert.deepEqual(problems({ service: 'fcm', data: [1] }), [['/data', 'Invalid object. Got: array']]);
  });

  test('keys with "/" or "~" are escaped in the pointer (RFC 6901)', () => {
    assert.deepEqual(problems({ service: 'fcm', data: {}, 'a/b~c': 1 }), [['/a~1b~0c', 'Unexpected field: a/b~c']]);
  });

  test('a "__proto__" key is just an unexpected field and pollutes nothing', () => {
    const body = JSON.parse('{"service":"fcm","data":{"__proto__":{"polluted":1}},"__proto__":{"x":1}}');
    assert.deepEqual(problems(body), [['/__proto__', 'Unexpected field: __proto__']]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('echoed field names are cut at 40 characters like upstream', () => {
    const long = 'k'.repeat(100);
    assert.deepEqual(problems({ service: 'fcm', data: {}, [long]: 1 }), [[`/${long}`, `Unexpected field: ${'k'.repeat(40)}`]]);
  });

  test(`a garbage body reports at most ${MAX_REPORTED_ERRORS} problems, and is still refused`, () => {
    const body: Record<string, number> = { service: 1 } as never;
    for (let i = 0; i < 1_000; i++) body[`junk${i}`] = i;
    const list = problems(body);
    assert.equal(list.length, MAX_REPORTED_ERRORS);
    assert.deepEqual(list[0], ['/service', 'Invalid string. Got: integer']);
  });

  test('the device id is taken from the caller, never from the body', () => {
    assert.deepEqual(problems({ service: 'fcm', data: {}, device_id: 'other' }), [['/device_id', 'Unexpected field: device_id']]);
  });
});
