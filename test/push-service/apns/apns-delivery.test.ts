import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness, TOPIC, type Harness } from './harness.js';

/** The service's clock (JWT iat, apns-expiration) and the simulator's, fixed. */
const NOW_MS = 1_700_000_000_000;

// Refusals both providers share (oversize, another service): ../providers/delivery.test.ts.
describe('APNS delivery through the simulator', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apns: { expiration_s: 3600 }, clock: () => NOW_MS });
  });
  after(() => h.close());

  it('delivers an alert with its token, topic, alert push type, priority 10, expiration and payload', async () => {
    h.sim.reset();
    const token = deviceToken();
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
    assert.equal(received.headers['apns-expiration'], String(NOW_MS / 1000 + 3600));
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
});
