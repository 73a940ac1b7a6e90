/** API v1: the flat schema over the real server, with v2's `{"details": …}` answers. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { CLIENTS, testServerForSuite } from './rest-test-kit.js';

const PATH = '/v1/notification/f53453455';
const BODY =
  '{"service":"apns","title":"alice@localhost","body":"OH, HAI!","badge":"3","click_action":"myactivity",' +
  '"tag":"alice@localhost","topic":"com.example.app","data":{"k":"v"}}';

describe('v1 (flat schema)', () => {
  const t = testServerForSuite();
  beforeEach(() => t.dispatcher.reset());

  for (const client of CLIENTS) {
    test(`a flat body is dispatched as an alert notification and answered 200 null (${client.name})`, async () => {
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'null');
      assert.deepEqual(t.dispatcher.received, [
        {
          service: 'apns',
          device_id: 'f53453455',
          mode: 'prod',
          topic: 'com.example.app',
          alert: {
            title: 'alice@localhost',
            body: 'OH, HAI!',
            badge: 3,
            click_action: 'myactivity',
            tag: 'alice@localhost',
          },
          data: { k: 'v' },
        },
      ]);
    });

    test(`a body without title is a 422 naming /title and is not dispatched (${client.name})`, async () => {
      const answer = await client.request(t, { path: PATH, body: '{"service":"fcm","body":"b"}' });
      assert.equal(answer.status, 422);
      assert.equal(
        answer.body,
        '{"errors":[{"title":"Invalid value","source":{"pointer":"/title"},"message":"Missing field: title"}]}',
      );
      assert.equal(t.dispatcher.received.length, 0);
    });

    test(`an extra key is a 422 unexpected field (${client.name})`, async () => {
      const answer = await client.request(t, {
        path: PATH,
        body: '{"service":"fcm","title":"t","body":"b","priority":"high"}',
      });
      assert.equal(answer.status, 422);
      assert.equal(
        answer.body,
        '{"errors":[{"title":"Invalid value","source":{"pointer":"/priority"},"message":"Unexpected field: priority"}]}',
      );
      assert.equal(t.dispatcher.received.length, 0);
    });

    test(`an unregistered device is a 500 carrying the provider's reason, as on v2 (${client.name})`, async () => {
      t.dispatcher.outcome = { ok: false, reason: 'unregistered', providerReason: 'Unregistered', status: 410 };
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 500);
      assert.equal(answer.body, '{"details":"Unregistered"}');
    });

    test(`unable_to_connect is answered 503 "Please try again later" (${client.name})`, async () => {
      t.dispatcher.outcome = { ok: false, reason: 'unable_to_connect' };
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 503);
      assert.equal(answer.body, '{"details":"Please try again later"}');
    });
  }
});
