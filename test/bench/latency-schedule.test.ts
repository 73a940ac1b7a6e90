/** The latency benchmark's open-loop schedule (bench/latency/schedule.ts): the i-th send is due at start + i / rate. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueBy, scheduledAt } from '../../bench/latency/schedule.js';

const s = { startMs: 1_000, ratePerS: 4_000, count: 10 };

describe('an open-loop schedule', () => {
  it('spaces sends 1 / rate apart from the start', () => {
    assert.deepEqual([0, 1, 2, 9].map((i) => scheduledAt(s, i)), [1_000, 1_000.25, 1_000.5, 1_002.25]);
  });

  it('counts the sends due at a time: none before the start, each from its own time on, never more than the schedule holds', () => {
    assert.equal(dueBy(s, 999.99), 0);
    assert.equal(dueBy(s, 1_000), 1);
    assert.equal(dueBy(s, 1_000.24), 1);
    assert.equal(dueBy(s, 1_000.25), 2);
    assert.equal(dueBy(s, 1_002.25), 10);
    assert.equal(dueBy(s, 60_000), 10);
  });
});
