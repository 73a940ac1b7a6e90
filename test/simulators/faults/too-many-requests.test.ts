import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TARGETS, request, simulatorPerSuite, statusOf } from './fault-targets.js';

for (const target of TARGETS) {
  describe(`${target.name} simulator: 429 bursts`, () => {
    const s = simulatorPerSuite(target);

    test('a 429 burst of 2 answers 429 in the provider envelope with Retry-After, then 200', async () => {
      const client = await s.client();
      s.sim.faults.set({ tooManyRequests: { count: 2, retryAfterSeconds: 30 } });
      const outcomes = [];
      for (let i = 0; i < 3; i++) outcomes.push(await request(target, client, s.sim));
      assert.deepEqual(outcomes.map(statusOf), [429, 429, 200]);
      const first = outcomes[0]!;
      assert.ok(first.answered);
      assert.equal(target.errorOf(first.json), target.names[429]);
      assert.equal(first.headers['retry-after'], '30');
    });

    test('a 5xx burst in force at the same time answers first, then the 429s', async () => {
      const client = await s.client();
      s.sim.faults.set({ serverErrors: { count: 1 }, tooManyRequests: { count: 1 } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push(statusOf(await request(target, client, s.sim)));
      assert.deepEqual(statuses, [503, 429, 200]);
    });
  });
}
