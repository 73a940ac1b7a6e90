import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushOutcome } from '../../../src/push-service/notification.js';
import { alertTo, deviceToken, startHarness } from './harness.js';
import { eventually } from '../../support/eventually.js';

describe('APNS retries of 429 and 5xx answers', { timeout: 60_000 }, () => {
  it('resends a 429 TooManyRequests once its Retry-After has passed, and delivers it', async () => {
    const h = await startHarness({ apns: { connections: 1 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 1, times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.equal(outcome.ok, true);
      const [rejected] = h.sim.rejected;
      const [received] = h.sim.received;
      assert.equal(rejected?.token, token);
      assert.equal(received?.token, token);
      assert.ok(received.receivedAt - rejected.receivedAt >= 1_000, 'the resend waited for Retry-After');
      assert.equal(h.service.stats().counters.retries, 1);
    } finally {
      await h.close();
    }
  });

  for (const reason of ['ServiceUnavailable', 'Shutdown', 'InternalServerError'] as const) {
    const status = reason === 'InternalServerError' ? 500 : 503;
    it(`resends a ${status} ${reason} and delivers it`, async () => {
      const h = await startHarness({ apns: { connections: 1 } });
      try {
        const token = deviceToken();
        h.sim.program(token, { status, reason, times: 1 });
        const outcome = await h.service.send(alertTo(token));
        assert.equal(outcome.ok, true);
        assert.equal(h.sim.stats.rejected, 1);
        assert.deepEqual(h.sim.received.map((r) => r.token), [token]);
      } finally {
        await h.close();
      }
    });
  }

  it('gives up after retry_attempts resends and reports the last answer', async () => {
    const h = await startHarness({ apns: { connections: 1, retry_attempts: 2 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { status: 503, reason: 'ServiceUnavailable' });
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'service_internal', status: 503, providerReason: 'ServiceUnavailable' });
      assert.equal(h.sim.stats.rejected, 3);
    } finally {
      await h.close();
    }
  });

  it('gives up at once with too_many_requests when Retry-After asks for more than retry_after_max_ms', async () => {
    const h = await startHarness({ apns: { connections: 1, retry_after_max_ms: 2_000 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 60, times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'too_many_requests', status: 429, providerReason: 'TooManyRequests' });
      assert.equal(h.sim.stats.rejected, 1);
      assert.equal(h.sim.stats.accepted, 0, 'not held until the program ran out');
    } finally {
      await h.close();
    }
  });

  it('reports the failure at once, without a resend, when the retry budget is empty', async () => {
    const h = await startHarness({ apns: { connections: 1, retry_budget_ratio: 0, retry_budget_min_per_s: 0 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { status: 503, reason: 'ServiceUnavailable', times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'service_internal', status: 503, providerReason: 'ServiceUnavailable' });
      assert.equal(h.sim.stats.rejected, 1);
      assert.equal(h.sim.stats.accepted, 0);
      const stats = h.service.stats();
      assert.equal(stats.retryBudgetExhausted, 1);
      assert.equal(stats.counters.retries, 0);
    } finally {
      await h.close();
    }
  });

  it('keeps sending other notifications while a retry waits for its Retry-After', async () => {
    const h = await startHarness({ apns: { connections: 1 } });
    try {
      const waiting = deviceToken();
      h.sim.program(waiting, { status: 503, reason: 'ServiceUnavailable', retryAfterSeconds: 2, times: 1 });
      const first = h.service.send(alertTo(waiting));
      await eventually(() => h.service.stats().senders[0]!.retriesPending === 1, 'the retry to wait');
      const other = deviceToken();
      assert.equal((await h.service.send(alertTo(other))).ok, true);
      assert.equal((await first).ok, true);
      assert.deepEqual(h.sim.received.map((r) => r.token), [other, waiting]);
    } finally {
      await h.close();
    }
  });

  it('counts a waiting retry as outstanding: close() lets it finish', async () => {
    const h = await startHarness({ apns: { connections: 1 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 1, times: 1 });
      let outcome: PushOutcome | undefined;
      const sent = h.service.send(alertTo(token)).then((o) => (outcome = o));
      await eventually(() => h.service.stats().senders[0]!.retriesPending === 1, 'the retry to wait');
      assert.equal(h.service.stats().outstanding, 1);
      await h.service.close();
      await sent;
      assert.equal(outcome?.ok, true);
      assert.equal(h.sim.stats.accepted, 1);
    } finally {
      await h.close();
    }
  });

  it('ends a retry still waiting when the close() grace runs out as the answer that made it wait', async () => {
    const h = await startHarness({ apns: { connections: 1 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { status: 503, reason: 'ServiceUnavailable', retryAfterSeconds: 5, times: 1 });
      const sent = h.service.send(alertTo(token));
      await eventually(() => h.service.stats().senders[0]!.retriesPending === 1, 'the retry to wait');
      await h.service.close(50);
      assert.deepEqual(await sent, { ok: false, reason: 'service_internal', status: 503, providerReason: 'ServiceUnavailable' });
      assert.equal(h.sim.stats.accepted, 0);
    } finally {
      await h.close();
    }
  });
});

describe('APNS permanent rejections', { timeout: 30_000 }, () => {
  const permanent = [
    { status: 400, reason: 'BadDeviceToken', outcome: 'invalid_request' },
    { status: 400, reason: 'DeviceTokenNotForTopic', outcome: 'invalid_request' },
    { status: 403, reason: 'Forbidden', outcome: 'invalid_request' },
    { status: 410, reason: 'Unregistered', outcome: 'unregistered' },
    { status: 410, reason: 'ExpiredToken', outcome: 'unregistered' },
    { status: 413, reason: 'PayloadTooLarge', outcome: 'payload_too_large' },
  ] as const;

  it('are sent exactly once: BadDeviceToken, DeviceTokenNotForTopic, Forbidden, Unregistered, ExpiredToken, PayloadTooLarge', async () => {
    const h = await startHarness({ apns: { connections: 1 } });
    try {
      for (const { status, reason, outcome } of permanent) {
        h.sim.reset();
        const token = deviceToken();
        h.sim.program(token, { status, reason }); // would answer the same to any resend
        const answer = await h.service.send(alertTo(token));
        assert.equal(answer.ok, false);
        assert.equal(!answer.ok && answer.reason, outcome, reason);
        assert.equal(h.sim.stats.rejected, 1, `${reason} sent once`);
      }
      assert.equal(h.service.stats().counters.retries, 0);
    } finally {
      await h.close();
    }
  });
});
