/**
 * Latency and jitter hold each answer on a timer: the answer is counted as held (faults.held())
 * until that timer fires, and the timer is as long as FaultState.delay() says — checked on the
 * pure function, so no test measures elapsed time.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FaultState } from '../../../src/simulators/shared/fault-state.js';
import { eventually } from '../../support/eventually.js';
import { TARGETS, connectTo, request, statusOf } from './fault-targets.js';

for (const target of TARGETS) {
  describe(`${target.name} simulator: latency and jitter`, () => {
    test('latency set at start holds every answer on its timer', async () => {
      const sim = await target.start({ latencyMs: 120 });
      const client = await connectTo(sim);
      try {
        const answer = request(target, client, sim);
        await eventually(() => sim.faults.held() === 1, 'the answer held by the latency');
        assert.equal(statusOf(await answer), 200);
        assert.equal(sim.faults.held(), 0);
      } finally {
        client.close();
        await sim.close();
      }
    });

    test('latency and jitter set at run time hold every answer, and are reported', async () => {
      const sim = await target.start();
      const client = await connectTo(sim);
      try {
        assert.equal(statusOf(await request(target, client, sim)), 200, 'answered at once before');
        sim.faults.set({ latencyMs: 80, jitterMs: 40 });
        assert.deepEqual([sim.faults.current().latencyMs, sim.faults.current().jitterMs], [80, 40]);
        const answer = request(target, client, sim);
        await eventually(() => sim.faults.held() === 1, 'the answer held by the latency');
        assert.equal(statusOf(await answer), 200);
      } finally {
        client.close();
        await sim.close();
      }
    });
  });
}

describe('the delay before an answer', () => {
  test('is the latency plus a jitter in [0, jitterMs) plus the program\'s own delay', () => {
    const state = new FaultState(() => 0, 100);
    assert.equal(state.delay(0), 0, 'no delay without faults');
    state.apply({ latencyMs: 80 });
    assert.equal(state.delay(0), 80);
    assert.equal(state.delay(15), 95);
    state.apply({ jitterMs: 40 });
    for (let i = 0; i < 200; i++) {
      const delay = state.delay(0);
      assert.ok(delay >= 80 && delay < 120, `delay ${delay} within [80, 120)`);
    }
  });
});
