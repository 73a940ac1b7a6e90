import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';

describe('FCM retries of 429 and 5xx answers', { timeout: 60_000 }, () => {
  it('resends QUOTA_EXCEEDED once its Retry-After has passed, and delivers it', async () => {
    const h = await startHarness({ fcm: { connections: 1 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { errorCode: 'QUOTA_EXCEEDED', retryAfterSeconds: 1, times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.equal(outcome.ok, true);
      const [rejected] = h.sim.rejected;
      const [received] = h.sim.received;
      assert.equal(rejected?.code, 'QUOTA_EXCEEDED');
      assert.equal(received?.token, token);
      assert.ok(received.receivedAt - rejected.receivedAt >= 1_000, 'the resend waited for Retry-After');
      assert.equal(h.service.stats().counters.retries, 1);
    } finally {
      await h.close();
    }
  });

  it("delivers a send over the project's quota in the next quota window, after the Retry-After FCM gave", async () => {
    const h = await startHarness({ fcm: { connections: 1 }, simulator: { quota: { messages: 2, windowMs: 1_000 } } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      assert.equal(h.sim.stats.rejectedByCode.QUOTA_EXCEEDED, 1);
      assert.equal(h.sim.stats.accepted, 3);
    } finally {
      await h.close();
    }
  });

  for (const errorCode of ['UNAVAILABLE', 'INTERNAL'] as const) {
    it(`resends ${errorCode} and delivers it`, async () => {
      const h = await startHarness({ fcm: { connections: 1 } });
      try {
        const token = deviceToken();
        h.sim.program(token, { errorCode, times: 1 });
        const outcome = await h.service.send(alertTo(token));
        assert.equal(outcome.ok, true);
        assert.equal(h.sim.stats.rejectedByCode[errorCode], 1);
        assert.deepEqual(h.sim.received.map((r) => r.token), [token]);
      } finally {
        await h.close();
      }
    });
  }

  it('reports the failure at once, without a resend, when the retry budget is empty', async () => {
    const h = await startHarness({ fcm: { connections: 1, retry_budget_ratio: 0, retry_budget_min_per_s: 0 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { errorCode: 'UNAVAILABLE', times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'service_internal', status: 503, providerReason: 'UNAVAILABLE' });
      assert.equal(h.sim.stats.rejected, 1);
      assert.equal(h.sim.stats.accepted, 0);
      assert.equal(h.service.stats().retryBudgetExhausted, 1);
    } finally {
      await h.close();
    }
  });
});

describe('FCM permanent rejections', { timeout: 30_000 }, () => {
  it('are sent exactly once: UNREGISTERED, INVALID_ARGUMENT, SENDER_ID_MISMATCH, THIRD_PARTY_AUTH_ERROR', async () => {
    const h = await startHarness({ fcm: { connections: 1 } });
    try {
      for (const errorCode of ['UNREGISTERED', 'INVALID_ARGUMENT', 'SENDER_ID_MISMATCH', 'THIRD_PARTY_AUTH_ERROR'] as const) {
        const token = deviceToken();
        h.sim.program(token, errorCode); // would answer the same to any resend
        const outcome = await h.service.send(alertTo(token));
        assert.equal(outcome.ok, false);
        assert.equal(h.sim.stats.rejectedByCode[errorCode], 1, `${errorCode} sent once`);
      }
      assert.equal(h.service.stats().counters.retries, 0);
    } finally {
      await h.close();
    }
  });
});
