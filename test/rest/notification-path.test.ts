import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchNotificationPath } from '../../src/rest/notification-path.js';

test('a notification path yields its version and device id', () => {
  assert.deepEqual(matchNotificationPath('/v3/notification/f53453455'), { version: 'v3', deviceId: 'f53453455' });
  assert.deepEqual(matchNotificationPath('/v2/notification/a:b-c_d?debug=1'), { version: 'v2', deviceId: 'a:b-c_d' });
});

test('percent escapes are decoded and malformed ones kept as sent', () => {
  assert.equal(matchNotificationPath('/v3/notification/a%2Fb')?.deviceId, 'a/b');
  assert.equal(matchNotificationPath('/v3/notification/a%E0%A4%A')?.deviceId, 'a%E0%A4%A');
});

test('paths that are not one notification segment match nothing', () => {
  for (const path of ['', '*', 'v3/notification/x', '//notification/x', '/v3/notification/', '/v3/notification/x/', '/v3/notification', '/v3/x/notification/y', '/v3/notificationx/y']) {
    assert.equal(matchNotificationPath(path), undefined, path);
  }
});
