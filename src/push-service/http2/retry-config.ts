/**
 * The retry keys both `[apns]` and `[fcm]` have (config/default.toml), turned into one service's
 * RetryPolicy with its own RetryBudget.
 */
import { RetryBudget } from './retry-budget.js';
import { RetryPolicy } from './retry-policy.js';

export interface RetryConfig {
  request_timeout_ms: number;
  retry_attempts: number;
  retry_base_delay_ms: number;
  retry_max_delay_ms: number;
  retry_after_max_ms: number;
  retry_budget_ratio: number;
  retry_budget_min_per_s: number;
}

export function retryPolicyFor(config: RetryConfig, random?: () => number, clock?: () => number): RetryPolicy {
  return new RetryPolicy({
    attempts: config.retry_attempts,
    baseDelayMs: config.retry_base_delay_ms,
    maxDelayMs: config.retry_max_delay_ms,
    holdMaxMs: config.retry_after_max_ms,
    budget: new RetryBudget({ ratio: config.retry_budget_ratio, minPerS: config.retry_budget_min_per_s, clock }),
    random,
    clock,
  });
}

/**
 * Default close() grace, ms: long enough for a notification accepted just before close() to use
 * every attempt it may get (each answered or timed out) and every wait between them.
 * `extraAttempts`: attempts outside the policy (FCM's one resend with a fresh access token).
 */
export function closeGraceMs(config: RetryConfig, extraAttempts = 0): number {
  return config.request_timeout_ms * (config.retry_attempts + 1 + extraAttempts) + config.retry_after_max_ms;
}
