import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';

// Refusals both providers share (oversize, another service): ../providers/delivery.test.ts.
describe('FCM delivery', { timeout: 30_000 }, () => {
  it('delivers an alert mapped as MongoosePush maps it, data values as strings', async () => {
    const h = await startHarness();
    try {
      const token = deviceToken();
      const outcome = await h.service.send(
        alertTo(token, {
          priority: 'high',
          time_to_live: 3_600,
          alert: { title: 'alice@localhost', body: 'OH, HAI!', click_action: 'OPEN_CHAT', tag: 'chat', sound: 'default' },
          // MongooseIM sends message-count as an integer; FCM's data map takes strings only.
          data: { 'message-count': 1, 'last-message-sender': 'alice@localhost' },
        }),
      );
      assert.equal(outcome.ok, true);
      assert.equal(h.sim.received.length, 1);
      const got = h.sim.received[0]!;
      assert.equal(outcome.ok && outcome.id, got.name);
      assert.deepEqual(got.message, {
        token,
        android: {
          priority: 'high',
          ttl: '3600s',
          notification: { title: 'alice@localhost', body: 'OH, HAI!', click_action: 'OPEN_CHAT', tag: 'chat', sound: 'default' },
        },
        data: { 'message-count': '1', 'last-message-sender': 'alice@localhost' },
      });
    } finally {
      await h.close();
    }
  });

  it('delivers a silent push as a data-only message', async () => {
    const h = await startHarness();
    try {
      const token = deviceToken();
      const outcome = await h.service.send({ service: 'fcm', device_id: token, mode: 'prod', data: { 'message-count': 3 } });
      assert.equal(outcome.ok, true);
      const message = h.sim.received[0]!.message as Record<string, unknown>;
      assert.deepEqual(message.data, { 'message-count': '3' });
      assert.equal((message.android as Record<string, unknown>).notification, undefined);
      assert.equal(message.notification, undefined);
    } finally {
      await h.close();
    }
  });
});
