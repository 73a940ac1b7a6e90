/** The v1 flat schema as a pure function: mapping to an alert, casts, defaults, every problem. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFlatNotification } from '../../src/rest/flat-schema.js';
import { schemaProbes } from './schema-probes.js';

const { problems, accepted } = schemaProbes(parseFlatNotification);

describe('flat schema (v1)', () => {
  test('a minimal body becomes an alert with mode prod and nothing it did not ask for', () => {
    assert.deepEqual(accepted({ service: 'apns', title: 't', body: 'b' }), {
      service: 'apns',
      device_id: 'dev1',
      mode: 'prod',
      alert: { title: 't', body: 'b' },
    });
  });

  test('every optional field is mapped, badge cast from its decimal text', () => {
    const n = accepted({
      service: 'fcm',
      mode: 'dev',
      title: 't',
      body: 'b',
      badge: '7',
      click_action: 'open',
      tag: 'alice@localhost',
      topic: 'com.example.app',
      data: { 'message-count': 1 },
    });
    assert.deepEqual(n, {
      service: 'fcm',
      device_id: 'dev1',
      mode: 'dev',
      topic: 'com.example.app',
      alert: { title: 't', body: 'b', badge: 7, click_action: 'open', tag: 'alice@localhost' },
      data: { 'message-count': 1 },
    });
  });

  test('every missing required field is reported', () => {
    assert.deepEqual(problems({}), [
      ['/service', 'Missing field: service'],
      ['/body', 'Missing field: body'],
      ['/title', 'Missing field: title'],
    ]);
  });

  test('deep-schema keys and unknown keys are unexpected fields (additionalProperties: false)', () => {
    assert.deepEqual(problems({ service: 'apns', title: 't', body: 'b', alert: {}, sound: 'x' }), [
      ['/alert', 'Unexpected field: alert'],
      ['/sound', 'Unexpected field: sound'],
    ]);
  });

  test('wrong types, enums and ranges are reported with their pointers, all at once', () => {
    assert.deepEqual(
      problems({ service: 'gcm', mode: 'test', title: 1, body: null, badge: -1, tag: [], data: 'x' }),
      [
        ['/service', 'Invalid value for enum'],
        ['/mode', 'Invalid value for enum'],
        ['/title', 'Invalid string. Got: integer'],
        ['/body', 'null value where string expected'],
        ['/badge', '-1 is smaller than inclusive minimum 0'],
        ['/tag', 'Invalid string. Got: array'],
        ['/data', 'Invalid object. Got: string'],
      ],
    );
  });

  test('a body that is not an object is one problem at the root', () => {
    assert.deepEqual(problems([]), [['', 'Invalid object. Got: array']]);
  });

  test('"__proto__" as a key is an unexpected field, not a prototype', () => {
    assert.deepEqual(problems(JSON.parse('{"service":"apns","title":"t","body":"b","__proto__":{"x":1}}')), [
      ['/__proto__', 'Unexpected field: __proto__'],
    ]);
  });
});
