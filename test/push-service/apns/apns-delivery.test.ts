import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness, TOPIC, type Harness } from './harness.js';

describe('APNS delivery through the simulator', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apns: { expiration_s: 3600 } });
  });
  after(() => h.close());

  it('delivers an alert with its token, topic, alert push type, priority 10, expiration and payload', async () => {
    h.sim.reset();
    const token = deviceToken();
    const before = Math.floor(Date.now() / 1000);
    const outcome = await h.service.send(
      alertTo(token, { alert: { title: 'alice@localhost', body: 'OH, HAI!', badge: 1, sound: 'default', click_action: 'chat', tag: 'alice' } }),
    );
    const [received] = await h.sim.waitForReceived(1);
    assert.ok(received);
    assert.deepEqual(outcome, { ok: true, id: received.apnsId });
    assert.equal(received.token, token);
    assert.equal(received.headers['apns-topic'], TOPIC);
    assert.equal(received.headers['apns-push-type'], 'alert');
    assert.equal(received.headers['apns-priority'], '10');
    const expiration = Number(received.headers['apns-expiration']);
    assert.ok(expiration >= before + 3600 && expiration <= Math.floor(Date.now() / 1000) + 3600, `expiration ${expiration}`);
    assert.deepEqual(received.payload, {
      aps: { alert: { title: 'alice@localhost', body: 'OH, HAI!' }, badge: 1, sound: 'default', category: 'chat', 'thread-id': 'alice' },
    });
  });

  it('delivers a silent notification as background with priority 5 and content-available', async () => {
    h.sim.reset();
    const outcome = await h.service.send({ service: 'apns', device_id: deviceToken(), mode: 'prod', priority: 'high', data: { 'message-count': 1 } });
    assert.equal(outcome.ok, true);
    const [received] = await h.sim.waitForReceived(1);
    assert.equal(received?.headers['apns-push-type'], 'background');
    assert.equal(received?.headers['apns-priority'], '5');
    assert.deepEqual(received?.payload, { aps: { 'content-available': 1 }, 'message-count': 1 });
  });

  it('merges data beside aps, and sends the notification topic and collapse id', async () => {
    h.sim.reset();
    const outcome = await h.service.send(
      alertTo(deviceToken(), { topic: 'com.example.other', collapse_id: 'chat-1', data: { aps: 'ignored', 'last-message-sender': 'alice@localhost' } }),
    );
    assert.equal(outcome.ok, true);
    const [received] = await h.sim.waitForReceived(1);
    assert.equal(received?.headers['apns-topic'], 'com.example.other');
    assert.equal(received?.headers['apns-collapse-id'], 'chat-1');
    assert.deepEqual(received?.payload, {
      aps: { alert: { title: 'alice@localhost', body: 'OH, HAI!' } },
      'last-message-sender': 'alice@localhost',
    });
  });

  it('refuses an oversize payload as payload_too_large without sending any request', async () => {
    h.sim.reset();
    const outcome = await h.service.send(alertTo(deviceToken(), { data: { blob: 'x'.repeat(5000) } }));
    assert.deepEqual(outcome, { ok: false, reason: 'payload_too_large' });
    // A later notification on the same connection arrives alone: the oversize one never left.
    assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
    assert.equal(h.sim.stats.accepted, 1);
    assert.equal(h.sim.stats.rejected, 0);
    assert.equal(h.sim.stats.faults, 0);
  });

  it('answers no_matching_pool for a notification meant for another service', async () => {
    const outcome = await h.service.send({ service: 'fcm', device_id: 'x', mode: 'prod', data: {} });
    assert.deepEqual(outcome, { ok: false, reason: 'no_matching_pool' });
  });
});
