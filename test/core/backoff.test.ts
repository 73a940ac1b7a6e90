import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../src/core/backoff.js';

const backoff = { backoff_ms: 1_000, max_ms: 30_000 };

test('the wait doubles per failure in a row and stops at max_ms', () => {
  const top = () => 1;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 40, 1_000].map((failures) => backoffDelayMs(backoff, failures, top)),
    [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000],
  );
});

test('max_ms is the configured one, not a fixed cap', () => {
  assert.equal(backoffDelayMs({ backoff_ms: 250, max_ms: 120_000 }, 20, () => 1), 120_000);
  assert.equal(backoffDelayMs({ backoff_ms: 250, max_ms: 1_000 }, 20, () => 1), 1_000);
});

test('jitter keeps the wait within the upper half of its ceiling', () => {
  assert.equal(backoffDelayMs(backoff, 2, () => 0), 2_000);
  assert.equal(backoffDelayMs(backoff, 2, () => 0.5), 3_000);
  for (let i = 0; i < 100; i++) {
    const d = backoffDelayMs(backoff, 3);
    assert.ok(d >= 4_000 && d <= 8_000, `${d}`);
  }
});
