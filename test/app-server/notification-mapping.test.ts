import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toPushNotification } from '../../src/app-server/notification-mapping.js';
import type { PushPublish } from '../../src/xmpp/push-publish.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';

const MAPPING = { defaultAlertTitle: 'New message' };
const SUMMARY = { 'message-count': 3, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' };

function publish(publishOptions: Record<string, string>, summary: PushPublish['summary'] = SUMMARY): PushPublish {
  return { from: 'localhost', to: 'push.localhost', node: 'n1', summary, publishOptions };
}

describe('mapping a publish to a push notification', () => {
  it('builds an alert as MongooseIM does: sender as title and tag, body, count as badge', () => {
    const n = toPushNotification(
      publish({
        service: 'apns',
        device_id: 'f53453455',
        mode: 'dev',
        topic: 'com.example.app',
        priority: 'high',
        click_action: 'myactivity',
        sound: 'default',
        mutable_content: 'true',
        time_to_live: '3600',
      }),
      MAPPING,
    );
    assert.deepEqual(n, {
      service: 'apns',
      device_id: 'f53453455',
      mode: 'dev',
      topic: 'com.example.app',
      priority: 'high',
      mutable_content: true,
      time_to_live: 3600,
      alert: {
        title: 'alice@localhost',
        body: 'OH, HAI!',
        badge: 3,
        tag: 'alice@localhost',
        click_action: 'myactivity',
        sound: 'default',
      },
    });
  });

  it('defaults the mode to prod and leaves unset options out', () => {
    assert.deepEqual(toPushNotification(publish({ service: 'fcm', device_id: 'tok' }), MAPPING), {
      service: 'fcm',
      device_id: 'tok',
      mode: 'prod',
      alert: { title: 'alice@localhost', body: 'OH, HAI!', badge: 3, tag: 'alice@localhost' },
    });
  });

  it('sends a silent push with the whole summary as data when silent is true', () => {
    const n = toPushNotification(publish({ service: 'fcm', device_id: 'tok', silent: 'true', priority: 'high' }), MAPPING);
    assert.deepEqual(n, {
      service: 'fcm',
      device_id: 'tok',
      mode: 'prod',
      priority: 'high',
      data: { 'message-count': 3, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' },
    });
    assert.equal(typeof n.data?.['message-count'], 'number');
  });

  it('sends a silent push when the summary has no body', () => {
    const n = toPushNotification(publish({ service: 'apns', device_id: 'tok', silent: '0' }, { 'message-count': 2 }), MAPPING);
    assert.equal(n.alert, undefined);
    assert.deepEqual(n.data, { 'message-count': 2 });
  });

  it('uses the configured title and no tag when the summary names no sender', () => {
    const n = toPushNotification(publish({ service: 'apns', device_id: 'tok' }, { 'last-message-body': 'New Message!' }), MAPPING);
    assert.deepEqual(n.alert, { title: 'New message', body: 'New Message!' });
  });

  it('reads mutable_content "1" as true and "false" as false', () => {
    assert.equal(toPushNotification(publish({ service: 'apns', device_id: 't', mutable_content: '1' }), MAPPING).mutable_content, true);
    assert.equal(toPushNotification(publish({ service: 'apns', device_id: 't', mutable_content: 'false' }), MAPPING).mutable_content, false);
  });

  it('refuses options the push service could never accept with cancel/not-acceptable', () => {
    const bads: Record<string, string>[] = [{ mode: 'staging' }, { priority: 'urgent' }, { time_to_live: '-5' }, { mutable_content: 'yes' }, { service: 'mpns' }];
    for (const bad of bads) {
      assert.throws(
        () => toPushNotification(publish({ service: 'apns', device_id: 't', ...bad }), MAPPING),
        (e: unknown) => e instanceof StanzaError && e.type === 'cancel' && e.condition === 'not-acceptable',
        JSON.stringify(bad),
      );
    }
  });

  it('refuses publish-options without device_id with cancel/conflict and precondition-not-met', () => {
    assert.throws(
      () => toPushNotification(publish({ service: 'apns' }), MAPPING),
      (e: unknown) => e instanceof StanzaError && e.condition === 'conflict' && e.appCondition?.name === 'precondition-not-met',
    );
  });
});
