import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TARGETS, connectTo, request, statusOf } from './fault-targets.js';

/** setTimeout may fire up to 1 ms early (its ms rounding): lower bounds keep that margin. */
const TIMER_SLACK_MS = 2;

for (const target of TARGETS) {
  describe(`${target.name} simulator: latency and jitter`, () => {
    test('latency set at start holds every answer at least that long', async () => {
      const sim = await target.start({ latencyMs: 120 });
      const client = await connectTo(sim);
      try {
        const started = performance.now();
        assert.equal(statusOf(await request(target, client, sim)), 200);
        const took = performance.now() - started;
        assert.ok(took >= 120 - TIMER_SLACK_MS, `answered after ${took.toFixed(1)} ms`);
      } finally {
        client.close();
        await sim.close();
      }
    });

    test('latency and jitter set at run time hold every answer at least the latency, and are reported', async () => {
      const sim = await target.start();
      const client = await connectTo(sim);
      try {
        sim.faults.set({ latencyMs: 80, jitterMs: 40 });
        assert.deepEqual([sim.faults.current().latencyMs, sim.faults.current().jitterMs], [80, 40]);
        const started = performance.now();
        assert.equal(statusOf(await request(target, client, sim)), 200);
        const took = performance.now() - started;
        assert.ok(took >= 80 - TIMER_SLACK_MS, `answered after ${took.toFixed(1)} ms`);
      } finally {
        client.close();
        await sim.close();
      }
    });
  });
}
