import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCAL_REJECTIONS, type PushRejection } from '../../../src/push-service/http2/rejections.js';
import { retryAfterMs } from '../../../src/push-service/http2/retry-after.js';
import { RetryBudget } from '../../../src/push-service/http2/retry-budget.js';
import { GIVE_UP, RetryPolicy, type RetryPolicyOptions } from '../../../src/push-service/http2/retry-policy.js';
import { APNS_ANSWERS, FCM_ANSWERS, rejectionOf } from '../provider-answers.js';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

function policy(o: Partial<RetryPolicyOptions> = {}): RetryPolicy {
  return new RetryPolicy({
    attempts: 2,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    holdMaxMs: 10_000,
    budget: new RetryBudget({ ratio: 0, minPerS: 1_000 }),
    random: () => 0.5,
    clock: () => NOW,
    ...o,
  });
}

const answer = (status: number, providerReason: string, reason: PushRejection['reason']): PushRejection => ({
  ok: false,
  reason,
  status,
  providerReason,
});

describe('retry policy: what is resent', () => {
  it('never resends a permanent rejection, whatever the provider', () => {
    const permanent: PushRejection[] = [
      ...[...APNS_ANSWERS.permanent, ...FCM_ANSWERS.permanent].map(rejectionOf),
      answer(403, 'ExpiredProviderToken', 'service_internal'),
      answer(401, 'UNAUTHENTICATED', 'service_internal'),
    ];
    for (const rejection of permanent) {
      assert.equal(policy().afterRejection(rejection, '1', 0, 0), GIVE_UP, rejection.providerReason);
    }
  });

  it('never resends after a local request timeout', () => {
    assert.equal(policy().afterRejection(LOCAL_REJECTIONS.requestTimeout, undefined, 0, 0), GIVE_UP);
  });

  it('resends 429 and 5xx answers and transport failures, with full jitter below a doubling ceiling', () => {
    const p = policy({ random: () => 0.5 });
    assert.equal(p.afterRejection(answer(429, 'TooManyRequests', 'too_many_requests'), undefined, 0, 0), 50);
    assert.equal(p.afterRejection(answer(500, 'INTERNAL', 'service_internal'), undefined, 1, 0), 100);
    assert.equal(p.afterRejection(answer(503, 'ServiceUnavailable', 'service_internal'), undefined, 0, 0), 50);
    assert.equal(p.afterTransportFailure(1, 0), 100);
    assert.equal(policy({ random: () => 0 }).afterTransportFailure(0, 0), 0);
    assert.equal(policy({ random: () => 0.999, attempts: 10 }).backoffMs(9), 4_995, 'the ceiling stops at retry_max_delay_ms');
  });

  it('stops once retry_attempts resends are spent', () => {
    const p = policy({ attempts: 2 });
    assert.notEqual(p.afterTransportFailure(1, 0), GIVE_UP);
    assert.equal(p.afterTransportFailure(2, 0), GIVE_UP);
    assert.equal(p.afterRejection(answer(503, 'UNAVAILABLE', 'service_internal'), undefined, 2, 0), GIVE_UP);
  });
});

describe('retry policy: Retry-After', () => {
  it('waits at least what a 429 or 503 asks for, in seconds or as an HTTP-date', () => {
    const p = policy();
    assert.equal(p.afterRejection(answer(429, 'QUOTA_EXCEEDED', 'too_many_requests'), '3', 0, 0), 3_000);
    const date = new Date(NOW + 4_000).toUTCString();
    assert.equal(p.afterRejection(answer(503, 'UNAVAILABLE', 'service_internal'), date, 0, 0), 4_000);
  });

  it('gives up at once when Retry-After asks for more than the notification may still be held', () => {
    const p = policy({ holdMaxMs: 10_000 });
    assert.equal(p.afterRejection(answer(429, 'TooManyRequests', 'too_many_requests'), '11', 0, 0), GIVE_UP);
    assert.equal(p.afterRejection(answer(503, 'Shutdown', 'service_internal'), '6', 1, 5_000), GIVE_UP, 'what is left of the hold');
    assert.equal(p.afterRejection(answer(503, 'Shutdown', 'service_internal'), '5', 1, 5_000), 5_000);
  });

  it('reads delay-seconds and HTTP-dates, and ignores anything else', () => {
    assert.equal(retryAfterMs('120', NOW), 120_000);
    assert.equal(retryAfterMs(' 0 ', NOW), 0);
    assert.equal(retryAfterMs('Wed, 01 Jan 2025 12:00:30 GMT', NOW), 30_000);
    assert.equal(retryAfterMs('Wed, 01 Jan 2025 11:00:00 GMT', NOW), 0, 'a date already past');
    assert.equal(retryAfterMs('soon', NOW), undefined);
    assert.equal(retryAfterMs('-5', NOW), undefined);
    assert.equal(retryAfterMs(undefined, NOW), undefined);
  });
});

describe('retry budget', () => {
  it('allows a retry per 1/ratio first attempts once the floor is spent, and reports the failure when empty', () => {
    let now = NOW;
    const budget = new RetryBudget({ ratio: 0.5, minPerS: 0, clock: () => now });
    const p = policy({ budget });
    assert.equal(p.afterTransportFailure(0, 0), GIVE_UP, 'nothing deposited yet');
    assert.equal(budget.exhausted, 1);
    budget.deposit();
    budget.deposit();
    assert.notEqual(p.afterTransportFailure(0, 0), GIVE_UP);
    assert.equal(p.afterTransportFailure(0, 0), GIVE_UP);
    assert.equal(budget.exhausted, 2);
    now += 60_000;
    assert.equal(p.afterTransportFailure(0, 0), GIVE_UP, 'no floor: time alone earns nothing');
  });

  it('refills at retry_budget_min_per_s whatever the traffic', () => {
    let now = NOW;
    const budget = new RetryBudget({ ratio: 0, minPerS: 2, clock: () => now });
    assert.equal(budget.tryWithdraw(), true);
    assert.equal(budget.tryWithdraw(), true);
    assert.equal(budget.tryWithdraw(), false);
    now += 500;
    assert.equal(budget.tryWithdraw(), true);
    assert.equal(budget.tryWithdraw(), false);
  });

  it('does not let a rejection that is never resent spend the budget', () => {
    const budget = new RetryBudget({ ratio: 0, minPerS: 1, clock: () => NOW });
    const p = policy({ budget });
    assert.equal(p.afterRejection(answer(410, 'Unregistered', 'unregistered'), undefined, 0, 0), GIVE_UP);
    assert.equal(p.afterRejection(answer(429, 'TooManyRequests', 'too_many_requests'), '60', 0, 0), GIVE_UP);
    assert.equal(budget.available, 1);
    assert.equal(budget.exhausted, 0);
  });
});
