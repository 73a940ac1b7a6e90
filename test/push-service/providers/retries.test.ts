/**
 * Which provider answers are resent and how: a 429 after its Retry-After, 5xx answers after a
 * backoff, within retry_attempts, the retry budget and retry_after_max_ms; permanent answers
 * never. How long a retry waits is RetryPolicy's (test/push-service/http2/retry-policy.test.ts);
 * here a resend is seen waiting as a pending retry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushOutcome } from '../../../src/push-service/notification.js';
import { eventually } from '../../support/eventually.js';
import { rejectionOf as failure } from '../provider-answers.js';
import { PROVIDERS } from './provider-rig.js';

for (const provider of PROVIDERS) {
  const { alertTo, deviceToken } = provider;
  const { throttled, transient, permanent } = provider.answers;
  const unavailable = transient[0]!;

  describe(`${provider.name} retries of 429 and 5xx answers`, { timeout: 60_000 }, () => {
    it(`resends a 429 ${throttled.name} once its Retry-After has passed, and delivers it`, async () => {
      const h = await provider.start({ connection: { connections: 1 } });
      try {
        const token = deviceToken();
        h.sim.program(token, { ...throttled.program, retryAfterSeconds: 1, times: 1 });
        const sent = h.service.send(alertTo(token));
        await eventually(() => h.service.senderStats().senders[0]!.retriesPending === 1, 'the resend to wait for Retry-After');
        assert.equal((await sent).ok, true);
        assert.deepEqual(h.sim.rejected.map((r) => r.token), [token]);
        assert.deepEqual(h.sim.received.map((r) => r.token), [token]);
        assert.equal(h.service.senderStats().counters.retries, 1);
      } finally {
        await h.close();
      }
    });

    for (const answer of transient) {
      it(`resends a ${answer.status} ${answer.name} and delivers it`, async () => {
        const h = await provider.start({ connection: { connections: 1 } });
        try {
          const token = deviceToken();
          h.sim.program(token, { ...answer.program, times: 1 });
          assert.equal((await h.service.send(alertTo(token))).ok, true);
          assert.equal(h.sim.stats.rejected, 1);
          assert.deepEqual(h.sim.received.map((r) => r.token), [token]);
        } finally {
          await h.close();
        }
      });
    }

    it('gives up after retry_attempts resends and reports the last answer', async () => {
      const h = await provider.start({ connection: { connections: 1, retry_attempts: 2 } });
      try {
        const token = deviceToken();
        h.sim.program(token, unavailable.program);
        assert.deepEqual(await h.service.send(alertTo(token)), failure(unavailable));
        assert.equal(h.sim.stats.rejected, 3);
      } finally {
        await h.close();
      }
    });

    it('gives up at once with too_many_requests when Retry-After asks for more than retry_after_max_ms', async () => {
      const h = await provider.start({ connection: { connections: 1, retry_after_max_ms: 2_000 } });
      try {
        const token = deviceToken();
        h.sim.program(token, { ...throttled.program, retryAfterSeconds: 60, times: 1 });
        assert.deepEqual(await h.service.send(alertTo(token)), failure(throttled));
        assert.equal(h.sim.stats.rejected, 1);
        assert.equal(h.sim.stats.accepted, 0, 'not held until the program ran out');
      } finally {
        await h.close();
      }
    });

    it('reports the failure at once, without a resend, when the retry budget is empty', async () => {
      const h = await provider.start({ connection: { connections: 1, retry_budget_ratio: 0, retry_budget_min_per_s: 0 } });
      try {
        const token = deviceToken();
        h.sim.program(token, { ...unavailable.program, times: 1 });
        assert.deepEqual(await h.service.send(alertTo(token)), failure(unavailable));
        assert.equal(h.sim.stats.rejected, 1);
        assert.equal(h.sim.stats.accepted, 0);
        const stats = h.service.senderStats();
        assert.equal(stats.retryBudgetExhausted, 1);
        assert.equal(stats.counters.retries, 0);
      } finally {
        await h.close();
      }
    });

    it('keeps sending other notifications while a retry waits for its Retry-After', async () => {
      const h = await provider.start({ connection: { connections: 1 } });
      try {
        const waiting = deviceToken();
        h.sim.program(waiting, { ...unavailable.program, retryAfterSeconds: 2, times: 1 });
        const first = h.service.send(alertTo(waiting));
        await eventually(() => h.service.senderStats().senders[0]!.retriesPending === 1, 'the retry to wait');
        const other = deviceToken();
        assert.equal((await h.service.send(alertTo(other))).ok, true);
        assert.equal((await first).ok, true);
        assert.deepEqual(h.sim.received.map((r) => r.token), [other, waiting]);
      } finally {
        await h.close();
      }
    });

    it('counts a waiting retry as outstanding: close() lets it finish', async () => {
      const h = await provider.start({ connection: { connections: 1 } });
      try {
        const token = deviceToken();
        h.sim.program(token, { ...throttled.program, retryAfterSeconds: 1, times: 1 });
        let outcome: PushOutcome | undefined;
        const sent = h.service.send(alertTo(token)).then((o) => (outcome = o));
        await eventually(() => h.service.senderStats().senders[0]!.retriesPending === 1, 'the retry to wait');
        assert.equal(h.service.senderStats().outstanding, 1);
        await h.service.close();
        await sent;
        assert.equal(outcome?.ok, true);
        assert.equal(h.sim.stats.accepted, 1);
      } finally {
        await h.close();
      }
    });

    it('ends a retry still waiting when the close() grace runs out as the answer that made it wait', async () => {
      const h = await provider.start({ connection: { connections: 1 } });
      try {
        const token = deviceToken();
        h.sim.program(token, { ...unavailable.program, retryAfterSeconds: 5, times: 1 });
        const sent = h.service.send(alertTo(token));
        await eventually(() => h.service.senderStats().senders[0]!.retriesPending === 1, 'the retry to wait');
        await h.service.close(50);
        assert.deepEqual(await sent, failure(unavailable));
        assert.equal(h.sim.stats.accepted, 0);
      } finally {
        await h.close();
      }
    });
  });

  describe(`${provider.name} permanent rejections`, { timeout: 30_000 }, () => {
    it(`are reported as their outcome and sent exactly once: ${permanent.map((a) => a.name).join(', ')}`, async () => {
      const h = await provider.start({ connection: { connections: 1 } });
      try {
        for (const answer of permanent) {
          const token = deviceToken();
          h.sim.program(token, answer.program); // would answer the same to any resend
          const outcome = await h.service.send(alertTo(token));
          // APNS stamps an Unregistered answer with a timestamp (apns/apns-rejections.test.ts).
          const { timestamp: _, ...reported } = outcome as PushOutcome & { timestamp?: number };
          assert.deepEqual(reported, failure(answer), answer.name);
          // A later notification on the same connection proves nothing else for that token is under way.
          assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
          assert.equal(h.sim.rejected.filter((r) => r.token === token).length, 1, `${answer.name} sent once`);
        }
        assert.equal(h.service.senderStats().counters.retries, 0);
      } finally {
        await h.close();
      }
    });
  });
}
