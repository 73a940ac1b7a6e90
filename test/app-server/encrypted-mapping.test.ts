/** An encrypted publish (Tigase `tigase:push:encrypt:0`) mapped to a push, forwarded unread. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pushKindOf, toPushNotification } from '../../src/app-server/notification-mapping.js';
import type { PushPublish } from '../../src/xmpp/push-publish.js';

const MAPPING = { defaultAlertTitle: 'New message', defaultAlertBody: 'Open to read it' };
const SEALED = { iv: 'AAAAAAAAAAAAAAAA', payload: 'c2VjcmV0IHNlY3JldA==' };

function publish(publishOptions: Record<string, string>, encrypted: PushPublish['encrypted'] = SEALED): PushPublish {
  return { from: 'localhost', to: 'push.localhost', node: 'n1', summary: {}, encrypted, publishOptions };
}

describe('mapping an encrypted publish', () => {
  it('APNS: a mutable-content alert with the default title and body; ciphertext, IV and the node owner as data', () => {
    const p = publish({ service: 'apns', device_id: 'f5', sound: 'default' });
    const n = toPushNotification(p, MAPPING, undefined, 'alice@localhost');
    assert.deepEqual(n, {
      service: 'apns',
      device_id: 'f5',
      mode: 'prod',
      mutable_content: true,
      alert: { title: 'New message', body: 'Open to read it', sound: 'default' },
      data: { encrypted: SEALED.payload, iv: SEALED.iv, account: 'alice@localhost' },
    });
    assert.equal(pushKindOf(p, n), 'alert');
  });

  it('FCM: a high-priority data message, nothing shown until the app decrypts it', () => {
    const n = toPushNotification(publish({ service: 'fcm', device_id: 'f5' }), MAPPING);
    assert.deepEqual(n, { service: 'fcm', device_id: 'f5', mode: 'prod', priority: 'high', data: { encrypted: SEALED.payload, iv: SEALED.iv } });
  });

  it('a call (type=voip) is a VoIP push carrying the ciphertext', () => {
    const p = publish({ service: 'apns', device_id: 'f5', topic: 'com.example.app' }, { ...SEALED, voip: true });
    const n = toPushNotification(p, MAPPING);
    assert.equal(n.voip, true);
    assert.equal(n.topic, 'com.example.app.voip');
    assert.equal(n.alert, undefined);
    assert.deepEqual(n.data, { encrypted: SEALED.payload, iv: SEALED.iv });
    assert.equal(pushKindOf(p, n), 'voip');
  });

  it('silent=true: a background push carrying the ciphertext', () => {
    const n = toPushNotification(publish({ service: 'apns', device_id: 'f5', silent: 'true' }), MAPPING);
    assert.equal(n.alert, undefined);
    assert.deepEqual(n.data, { encrypted: SEALED.payload, iv: SEALED.iv });
  });
});
