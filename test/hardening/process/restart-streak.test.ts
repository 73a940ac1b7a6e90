/** The sender-thread restart delay: equal jitter, doubling per failure in a row, capped, reset by a stable run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartStreak } from '../../../src/push-service/threaded/restart-streak.js';
import { eventually } from '../../support/eventually.js';

test('restart delays double per failure in a row up to the configured ceiling, never giving up', () => {
  const top = new RestartStreak({ backoff: { backoff_ms: 100, max_ms: 1_000 }, random: () => 0.999_999 });
  assert.deepEqual(Array.from({ length: 8 }, () => top.failed()), [100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]);
  const bottom = new RestartStreak({ backoff: { backoff_ms: 100, max_ms: 1_000 }, random: () => 0 });
  assert.deepEqual(Array.from({ length: 5 }, () => bottom.failed()), [50, 100, 200, 400, 500], 'at least half the ceiling');
  top.stop();
  bottom.stop();
});

test('a thread that stays up for the ceiling ends the streak; one that dies sooner continues it', async () => {
  const streak = new RestartStreak({ backoff: { backoff_ms: 10, max_ms: 40 }, random: () => 0.999_999 });
  try {
    streak.failed();
    streak.failed();
    streak.started();
    assert.equal(streak.failed(), 40, 'died right after starting: the delay keeps growing');
    streak.started();
    await eventually(() => streak.inARow === 0, 'the stable run to end the streak', 2_000, 5);
    assert.equal(streak.failed(), 10, 'a new streak starts at the base delay');
  } finally {
    streak.stop();
  }
});
