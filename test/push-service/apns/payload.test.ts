import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { buildApnsPayload } from '../../../src/push-service/apns/payload.js';

const TOKEN = 'ab'.repeat(32);
const base: PushNotification = { service: 'apns', device_id: TOKEN, mode: 'prod' };

function json(n: PushNotification): unknown {
  return JSON.parse(JSON.stringify(buildApnsPayload(n)));
}

describe('APNS payload', () => {
  it('maps an alert to aps.alert, badge, sound, category from click_action and thread-id from tag', () => {
    const n: PushNotification = {
      ...base,
      mutable_content: true,
      alert: { title: 'alice@localhost', body: 'OH, HAI!', badge: 1, sound: 'default', click_action: 'myactivity', tag: 'alice@localhost' },
    };
    assert.deepEqual(json(n), {
      aps: {
        alert: { title: 'alice@localhost', body: 'OH, HAI!' },
        badge: 1,
        sound: 'default',
        category: 'myactivity',
        'thread-id': 'alice@localhost',
        'mutable-content': 1,
      },
    });
  });

  it('leaves out alert fields that are not given', () => {
    assert.deepEqual(json({ ...base, alert: { title: 't', body: 'b' } }), { aps: { alert: { title: 't', body: 'b' } } });
  });

  it('makes a notification without alert a silent push with content-available', () => {
    assert.deepEqual(json({ ...base, data: { 'message-count': 1 } }), { aps: { 'content-available': 1 }, 'message-count': 1 });
  });

  it('merges data keys beside aps and never lets data replace aps', () => {
    const n: PushNotification = { ...base, alert: { title: 't', body: 'b' }, data: { aps: { evil: true }, a: 'x', nested: { b: [1, 2] } } };
    assert.deepEqual(json(n), { aps: { alert: { title: 't', body: 'b' } }, a: 'x', nested: { b: [1, 2] } });
    const text = JSON.stringify(buildApnsPayload(n));
    assert.ok(text.startsWith('{"aps":'), 'aps comes first');
  });

  it('keeps a __proto__ data key as a plain key instead of changing the prototype', () => {
    const data = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
    const payload = buildApnsPayload({ ...base, data });
    assert.deepEqual(JSON.parse(JSON.stringify(payload)), { aps: { 'content-available': 1 }, ['__proto__']: { x: 1 }, y: 2 });
  });
});
