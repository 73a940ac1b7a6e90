/**
 * The bodies and paths the bridge builds, one PushNotification at a time (pure). The requests
 * as they leave a running Herald are checked in mongooseim-requests.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PushNotification } from '../../src/push-service/notification.js';
import { notificationPath, remoteRequestBody, V1_CANNOT_CARRY_SILENT } from '../../src/remote-push/index.js';

const ALERT: PushNotification = {
  service: 'apns',
  device_id: 'f53453455',
  mode: 'prod',
  priority: 'high',
  topic: 'com.example.app',
  alert: { title: 'alice@localhost', body: 'OH, HAI!', tag: 'alice@localhost', badge: 1, click_action: 'myactivity', sound: 'default' },
};

test('v2 and v3 send the deep body in the order of the reference example', () => {
  const expected =
    '{"service":"apns","mode":"prod","priority":"high","topic":"com.example.app",' +
    '"alert":{"body":"OH, HAI!","title":"alice@localhost","tag":"alice@localhost","badge":1,' +
    '"click_action":"myactivity","sound":"default"}}';
  assert.deepEqual(remoteRequestBody(ALERT, 'v3'), { ok: true, json: expected });
  assert.deepEqual(remoteRequestBody(ALERT, 'v2'), { ok: true, json: expected });
});

test('mutable_content and time_to_live go as the strings MongooseIM copies from publish-options', () => {
  const body = remoteRequestBody({ ...ALERT, mutable_content: true, time_to_live: 3600 }, 'v3');
  assert.ok(body.ok);
  const parsed = JSON.parse(body.json) as Record<string, unknown>;
  assert.equal(parsed.mutable_content, 'true');
  assert.equal(parsed.time_to_live, '3600');
  assert.deepEqual(Object.keys(parsed), ['service', 'mode', 'priority', 'topic', 'mutable_content', 'time_to_live', 'alert']);
});

test('a silent push carries its data and no alert', () => {
  const silent: PushNotification = {
    service: 'fcm',
    device_id: 'x',
    mode: 'prod',
    priority: 'high',
    data: { 'message-count': 1, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' },
  };
  assert.deepEqual(remoteRequestBody(silent, 'v3'), {
    ok: true,
    json:
      '{"service":"fcm","mode":"prod","priority":"high",' +
      '"data":{"message-count":1,"last-message-sender":"alice@localhost","last-message-body":"OH, HAI!"}}',
  });
});

test('tags are forwarded and a collapse id, which the contract has no field for, is not', () => {
  const body = remoteRequestBody({ ...ALERT, tags: ['voip'], collapse_id: 'c1' }, 'v3');
  assert.ok(body.ok);
  const parsed = JSON.parse(body.json) as Record<string, unknown>;
  assert.deepEqual(parsed.tags, ['voip']);
  assert.equal('collapse_id' in parsed, false);
});

test('v1 sends the flat body: alert fields at the top level, no field v1 lacks', () => {
  const body = remoteRequestBody({ ...ALERT, mutable_content: true, time_to_live: 60, data: { k: 'v' } }, 'v1');
  assert.deepEqual(body, {
    ok: true,
    json:
      '{"service":"apns","mode":"prod","topic":"com.example.app","body":"OH, HAI!","title":"alice@localhost",' +
      '"tag":"alice@localhost","badge":1,"click_action":"myactivity","data":{"k":"v"}}',
  });
});

test('v1 cannot carry a silent push', () => {
  const body = remoteRequestBody({ service: 'apns', device_id: 'x', mode: 'prod', data: { a: 1 } }, 'v1');
  assert.deepEqual(body, { ok: false, problem: V1_CANNOT_CARRY_SILENT });
});

test('the device id goes into the path as-is when it is a token, and stays one segment otherwise', () => {
  assert.equal(notificationPath('/', 'v3', 'f53453455'), '/v3/notification/f53453455');
  assert.equal(notificationPath('/', 'v3', 'dGVzdA:APA91b-fcm_token'), '/v3/notification/dGVzdA:APA91b-fcm_token');
  assert.equal(notificationPath('/push/', 'v2', 'a/b?c#d e%'), '/push/v2/notification/a%2Fb%3Fc%23d%20e%25');
  assert.equal(notificationPath('/push', 'v1', 'é'), '/push/v1/notification/%C3%A9');
});
