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

  it('turns a call into a VoIP push: .voip topic, high priority, no alert, the summary and call-id as data', () => {
    const call = { ...SUMMARY, call: 'jmi-42' };
    const n = toPushNotification(publish({ service: 'apns', device_id: 'tok', topic: 'com.example.app', mutable_content: 'true' }, call), MAPPING);
    assert.deepEqual(n, {
      service: 'apns',
      device_id: 'tok',
      mode: 'prod',
      topic: 'com.example.app.voip',
      voip: true,
      priority: 'high',
      data: { ...SUMMARY, 'call-id': 'jmi-42' },
    });
  });

  it("keeps a topic that already is the .voip one, and marks a call without a topic voip (the pool's default topic gets the suffix)", () => {
    const call = { call: 'jmi-1' };
    assert.equal(toPushNotification(publish({ service: 'apns', device_id: 't', topic: 'com.example.app.voip' }, call), MAPPING).topic, 'com.example.app.voip');
    const untopical = toPushNotification(publish({ service: 'apns', device_id: 't' }, call), MAPPING);
    assert.equal(untopical.topic, undefined);
    assert.equal(untopical.voip, true);
    assert.equal(untopical.tags, undefined);
  });

  it('sends a call to FCM as a high-priority data message', () => {
    const n = toPushNotification(publish({ service: 'fcm', device_id: 't', priority: 'normal' }, { call: 'jmi-2' }), MAPPING);
    assert.deepEqual(n, { service: 'fcm', device_id: 't', mode: 'prod', priority: 'high', data: { 'call-id': 'jmi-2' } });
  });

  it('keeps sender and body from Apple and Google when they are not to be forwarded', () => {
    const quiet = { ...MAPPING, defaultAlertBody: 'Something new', forwardSender: false, forwardBody: false };
    assert.deepEqual(toPushNotification(publish({ service: 'apns', device_id: 't' }), quiet).alert, { title: 'New message', body: 'Something new', badge: 3 });
    assert.deepEqual(toPushNotification(publish({ service: 'apns', device_id: 't', silent: 'true' }), quiet).data, { 'message-count': 3 });
    const noSender = toPushNotification(publish({ service: 'apns', device_id: 't' }), { ...MAPPING, forwardSender: false });
    assert.deepEqual(noSender.alert, { title: 'New message', body: 'OH, HAI!', badge: 3 });
  });

  it('takes service, token, mode and topic from the device a register command stored, over the publish-options', () => {
    const device = { service: 'fcm' as const, token: 'stored', mode: 'dev' as const };
    const n = toPushNotification(publish({ service: 'apns', device_id: 'copied', mode: 'prod', topic: 'com.x', secret: 's' }), MAPPING, device);
    assert.equal(n.service, 'fcm');
    assert.equal(n.device_id, 'stored');
    assert.equal(n.mode, 'dev');
    assert.equal(n.topic, 'com.x', 'a topic the device does not name comes from the options');
    assert.ok(!JSON.stringify(n).includes('"s"'), 'the secret is never forwarded');
  });
});
