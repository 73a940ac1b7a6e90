/** Bodies that fail the schema or are not JSON: 422 with MongoosePush's exact error shape. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLIENTS, startTestServer, type TestServer } from './rest-test-kit.js';

const PATH = '/v3/notification/f53453455';

function errors(...list: [pointer: string, message: string][]): string {
  return JSON.stringify({
    errors: list.map(([pointer, message]) => ({ title: 'Invalid value', source: { pointer }, message })),
  });
}

const CASES: { name: string; body: string; expected: string }[] = [
  {
    name: 'a missing service',
    body: '{"alert":{"title":"t","body":"b"}}',
    expected: errors(['/service', 'Missing field: service']),
  },
  {
    name: 'a service that is neither apns nor fcm',
    body: '{"service":"mpns","alert":{"title":"t","body":"b"}}',
    expected: errors(['/service', 'Invalid value for enum']),
  },
  {
    name: 'an extra top-level key',
    body: '{"service":"fcm","data":{},"collapse_key":"x"}',
    expected: errors(['/collapse_key', 'Unexpected field: collapse_key']),
  },
  {
    name: 'an alert without a title',
    body: '{"service":"apns","alert":{"body":"b"}}',
    expected: errors(['/alert/title', 'Missing field: title']),
  },
  {
    name: 'neither alert nor data',
    body: '{"service":"apns","topic":"com.example.app"}',
    expected: errors(['/alert', 'Missing field: alert']),
  },
  {
    name: 'a time_to_live string that is not an integer',
    body: '{"service":"fcm","data":{},"time_to_live":"an hour"}',
    expected: errors(['/time_to_live', 'Invalid integer. Got: string']),
  },
  {
    name: 'an extra key nested in alert',
    body: '{"service":"apns","alert":{"title":"t","body":"b","subtitle":"s"}}',
    expected: errors(['/alert/subtitle', 'Unexpected field: subtitle']),
  },
  {
    name: 'several problems at once, each reported',
    body: '{"mode":"staging","mutable_content":"yes","alert":{"badge":"many"},"tags":["a",1]}',
    expected: errors(
      ['/mode', 'Invalid value for enum'],
      ['/mutable_content', 'Invalid boolean. Got: string'],
      ['/alert/badge', 'Invalid integer. Got: string'],
      ['/alert/body', 'Missing field: body'],
      ['/alert/title', 'Missing field: title'],
      ['/tags/1', 'Invalid string. Got: integer'],
      ['/service', 'Missing field: service'],
    ),
  },
  {
    name: 'a JSON document that is not an object',
    body: '["service","fcm"]',
    expected: errors(['', 'Invalid object. Got: array']),
  },
  {
    name: 'a body that is not JSON',
    body: '{"service":"fcm",',
    expected: errors(['', 'Invalid JSON: the request body is not a JSON document']),
  },
  {
    name: 'an empty body',
    body: '',
    expected: errors(['', 'Invalid JSON: the request body is not a JSON document']),
  },
];

describe('bodies that fail validation', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  for (const client of CLIENTS) {
    for (const c of CASES) {
      test(`${c.name} is answered 422 naming the field (${client.name})`, async () => {
        const answer = await client.request(t, { path: PATH, body: c.body });
        assert.equal(answer.status, 422);
        assert.equal(answer.body, c.expected);
        assert.match(String(answer.headers['content-type']), /^application\/json/);
      });
    }
  }

  test('nothing that fails validation reaches the dispatcher', () => {
    assert.equal(t.dispatcher.received.length, 0);
  });
});
