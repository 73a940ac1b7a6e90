/**
 * MongooseIM's mod_push_service_mongoosepush requests, replayed byte for byte: the REST layer
 * must accept them and hand the dispatcher correctly cast values.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { PushNotification } from '../../src/push-service/notification.js';
import { CLIENTS, testServerForSuite } from './rest-test-kit.js';

const REQUESTS: { name: string; path: string; body: string; expected: PushNotification }[] = [
  {
    name: 'the non-silent example from the contract',
    path: '/v3/notification/f53453455',
    body:
      '{"service":"apns","mode":"prod","priority":"high","topic":"com.example.app",' +
      '"alert":{"body":"OH, HAI!","title":"alice@localhost","tag":"alice@localhost","badge":1,' +
      '"click_action":"myactivity","sound":"default"}}',
    expected: {
      service: 'apns',
      device_id: 'f53453455',
      mode: 'prod',
      priority: 'high',
      topic: 'com.example.app',
      alert: {
        body: 'OH, HAI!',
        title: 'alice@localhost',
        tag: 'alice@localhost',
        badge: 1,
        click_action: 'myactivity',
        sound: 'default',
      },
    },
  },
  {
    name: 'a non-silent request with publish-options copied as strings',
    path: '/v3/notification/' + 'a1'.repeat(32),
    body:
      '{"alert":{"badge":7,"body":"OH, HAI!","tag":"alice@localhost","title":"alice@localhost"},' +
      '"mode":"dev","mutable_content":"true","priority":"normal","service":"apns","time_to_live":"3600",' +
      '"topic":"com.example.app"}',
    expected: {
      service: 'apns',
      device_id: 'a1'.repeat(32),
      mode: 'dev',
      priority: 'normal',
      topic: 'com.example.app',
      mutable_content: true,
      time_to_live: 3600,
      alert: { body: 'OH, HAI!', title: 'alice@localhost', tag: 'alice@localhost', badge: 7 },
    },
  },
  {
    name: 'the silent example from the contract (no mode: defaults to prod)',
    path: '/v3/notification/dGVzdA:APA91b-fcm_token',
    body:
      '{"service":"fcm","priority":"high",' +
      '"data":{"message-count":1,"last-message-sender":"alice@localhost","last-message-body":"OH, HAI!"}}',
    expected: {
      service: 'fcm',
      device_id: 'dGVzdA:APA91b-fcm_token',
      mode: 'prod',
      priority: 'high',
      data: { 'message-count': 1, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' },
    },
  },
  {
    name: 'a silent request with mutable_content "false"',
    path: '/v3/notification/f53453455',
    body: '{"data":{"message-count":3},"mutable_content":"false","service":"fcm","time_to_live":"0"}',
    expected: {
      service: 'fcm',
      device_id: 'f53453455',
      mode: 'prod',
      mutable_content: false,
      time_to_live: 0,
      data: { 'message-count': 3 },
    },
  },
];

describe("MongooseIM's requests", () => {
  const t = testServerForSuite();
  beforeEach(() => t.dispatcher.reset());

  for (const client of CLIENTS) {
    for (const r of REQUESTS) {
      test(`${r.name} reaches the dispatcher cast and is answered 200 null (${client.name})`, async () => {
        const answer = await client.request(t, { path: r.path, body: r.body });
        assert.equal(answer.protocol, client.name === 'HTTP/2' ? 'h2' : 'http/1.1');
        assert.equal(answer.status, 200);
        assert.equal(answer.body, 'null');
        assert.match(String(answer.headers['content-type']), /^application\/json/);
        assert.deepEqual(t.dispatcher.received, [r.expected]);
      });
    }
  }

  test('a percent-encoded device id is decoded; a malformed escape is kept as sent', async () => {
    await CLIENTS[0].request(t, { path: '/v3/notification/abc%3Adef', body: '{"service":"fcm","data":{}}' });
    await CLIENTS[1].request(t, { path: '/v3/notification/abc%zz', body: '{"service":"fcm","data":{}}' });
    assert.deepEqual(
      t.dispatcher.received.map((n) => n.device_id),
      ['abc:def', 'abc%zz'],
    );
  });

  test('the query string is not part of the device id', async () => {
    await CLIENTS[1].request(t, { path: '/v3/notification/f53453455?x=1', body: '{"service":"fcm","data":{}}' });
    assert.equal(t.dispatcher.received[0]?.device_id, 'f53453455');
  });
});
