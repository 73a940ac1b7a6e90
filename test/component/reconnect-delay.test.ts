import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconnectDelayMs } from '../../src/component/index.js';

test('the reconnect delay doubles per failed attempt and stops at the maximum', () => {
  const top = () => 1;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 40].map((failures) => reconnectDelayMs(1_000, 30_000, failures, top)),
    [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000],
  );
});

test('jitter keeps the delay within the upper half of its ceiling', () => {
  assert.equal(reconnectDelayMs(1_000, 30_000, 2, () => 0), 2_000);
  assert.equal(reconnectDelayMs(1_000, 30_000, 2, () => 0.5), 3_000);
  for (let i = 0; i < 100; i++) {
    const d = reconnectDelayMs(1_000, 30_000, 3);
    assert.ok(d >= 4_000 && d <= 8_000, `${d}`);
  }
});
