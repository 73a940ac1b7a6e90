/** Paths and methods outside `POST /v{1,2,3}/notification/{device_id}`. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLIENTS, testServerForSuite } from './rest-test-kit.js';

const BODY = '{"service":"fcm","data":{}}';

describe('routing', () => {
  const t = testServerForSuite();

  for (const client of CLIENTS) {
    for (const path of [
      '/',
      '/v3/notification/',
      '/v3/notification',
      '/v3/notification/abc/extra',
      '/v9/notification/abc',
      '/__proto__/notification/abc',
      '/v3/notifications/abc',
    ]) {
      test(`POST ${path} is answered 404 {"reason":"not_found"} (${client.name})`, async () => {
        const answer = await client.request(t, { path, body: BODY });
        assert.equal(answer.status, 404);
        assert.equal(answer.body, '{"reason":"not_found"}');
      });
    }

    for (const method of ['GET', 'PUT', 'DELETE']) {
      test(`${method} on the notification route is answered 405 with Allow: POST (${client.name})`, async () => {
        const answer = await client.request(t, { method, path: '/v3/notification/f53453455' });
        assert.equal(answer.status, 405);
        assert.equal(answer.headers.allow, 'POST');
        assert.equal(answer.body, '{"reason":"method_not_allowed"}');
      });
    }
  }

  test('no request outside the route reaches the dispatcher', () => {
    assert.equal(t.dispatcher.received.length, 0);
  });
});
