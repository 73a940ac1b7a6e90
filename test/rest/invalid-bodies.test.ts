/** Bodies that fail the schema or are not JSON: 422 with MongoosePush's exact error shape. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLIENTS, testServerForSuite } from './rest-test-kit.js';

const PATH = '/v3/notification/f53453455';

type Problem = [pointer: string, message: string];

/** The 422 body naming each problem as MongoosePush does. */
function errors(problems: Problem[]): string {
  return JSON.stringify({
    errors: problems.map(([pointer, message]) => ({ title: 'Invalid value', source: { pointer }, message })),
  });
}

/** [what the body is, the body, the problems the 422 names, in order] */
const CASES: Array<[name: string, body: string, ...problems: Problem[]]> = [
  ['a missing service', '{"alert":{"title":"t","body":"b"}}', ['/service', 'Missing field: service']],
  ['a service that is neither apns nor fcm', '{"service":"mpns","alert":{"title":"t","body":"b"}}', ['/service', 'Invalid value for enum']],
  ['an extra top-level key', '{"service":"fcm","data":{},"collapse_key":"x"}', ['/collapse_key', 'Unexpected field: collapse_key']],
  ['an alert without a title', '{"service":"apns","alert":{"body":"b"}}', ['/alert/title', 'Missing field: title']],
  ['neither alert nor data', '{"service":"apns","topic":"com.example.app"}', ['/alert', 'Missing field: alert']],
  ['a time_to_live string that is not an integer', '{"service":"fcm","data":{},"time_to_live":"an hour"}', ['/time_to_live', 'Invalid integer. Got: string']],
  ['an extra key nested in alert', '{"service":"apns","alert":{"title":"t","body":"b","subtitle":"s"}}', ['/alert/subtitle', 'Unexpected field: subtitle']],
  [
    'several problems at once, each reported',
    '{"mode":"staging","mutable_content":"yes","alert":{"badge":"many"},"tags":["a",1]}',
    ['/mode', 'Invalid value for enum'],
    ['/mutable_content', 'Invalid boolean. Got: string'],
    ['/alert/badge', 'Invalid integer. Got: string'],
    ['/alert/body', 'Missing field: body'],
    ['/alert/title', 'Missing field: title'],
    ['/tags/1', 'Invalid string. Got: integer'],
    ['/service', 'Missing field: service'],
  ],
  ['a JSON document that is not an object', '["service","fcm"]', ['', 'Invalid object. Got: array']],
  ['a body that is not JSON', '{"service":"fcm",', ['', 'Invalid JSON: the request body is not a JSON document']],
  ['an empty body', '', ['', 'Invalid JSON: the request body is not a JSON document']],
];

describe('bodies that fail validation', () => {
  const t = testServerForSuite();

  for (const client of CLIENTS) {
    for (const [name, body, ...problems] of CASES) {
      test(`${name} is answered 422 naming the field (${client.name})`, async () => {
        const answer = await client.request(t, { path: PATH, body });
        assert.equal(answer.status, 422);
        assert.equal(answer.body, errors(problems));
        assert.match(String(answer.headers['content-type']), /^application\/json/);
      });
    }
  }

  test('nothing that fails validation reaches the dispatcher', () => {
    assert.equal(t.dispatcher.received.length, 0);
  });
});
