import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fcmMessage, prepareFcmRequest, MAX_FCM_MESSAGE_BYTES } from '../../../src/push-service/fcm/message.js';

const defaults = { ttlS: 3_600 };

describe('FCM message mapping', () => {
  it('maps an alert to android.notification with priority, ttl and string data', () => {
    const m = fcmMessage(
      {
        service: 'fcm',
        device_id: 'tok',
        mode: 'prod',
        priority: 'high',
        collapse_id: 'chat',
        alert: { title: 'alice', body: 'hi', click_action: 'OPEN', tag: 't', sound: 'default' },
        data: { 'message-count': 1, flag: true, nested: { a: 1 }, text: 's' },
      },
      defaults,
    );
    assert.deepEqual(m, {
      token: 'tok',
      android: {
        priority: 'high',
        ttl: '3600s',
        collapse_key: 'chat',
        notification: { title: 'alice', body: 'hi', click_action: 'OPEN', tag: 't', sound: 'default' },
      },
      data: { 'message-count': '1', flag: 'true', nested: '{"a":1}', text: 's' },
    });
  });

  it('makes a data-only message when there is no alert, with normal priority by default', () => {
    const m = fcmMessage({ service: 'fcm', device_id: 'tok', mode: 'prod', time_to_live: 60, data: { n: 2 } }, defaults);
    assert.deepEqual(m, { token: 'tok', android: { priority: 'normal', ttl: '60s' }, data: { n: '2' } });
  });

  it('refuses a message over 4096 bytes as payload_too_large', () => {
    const big = 'x'.repeat(MAX_FCM_MESSAGE_BYTES);
    const r = prepareFcmRequest({ service: 'fcm', device_id: 'tok', mode: 'prod', data: { big } }, defaults);
    assert.deepEqual(r, { ok: false, reason: 'payload_too_large' });
  });
});
