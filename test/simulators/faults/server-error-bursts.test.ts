import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TARGETS, connectTo, request, simulatorPerSuite, statusOf } from './fault-targets.js';

for (const target of TARGETS) {
  describe(`${target.name} simulator: 5xx bursts`, () => {
    let now = 1_700_000_000_000;
    const s = simulatorPerSuite(target, { clock: () => now });

    test('a 503 burst of 3 answers the next 3 requests 503 in the provider envelope with Retry-After, then 200', async () => {
      const client = await s.client();
      s.sim.faults.set({ serverErrors: { count: 3, retryAfterSeconds: 2 } });
      const token = target.token();
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push(await request(target, client, s.sim, token));
      assert.deepEqual(outcomes.map(statusOf), [503, 503, 503, 200]);
      const first = outcomes[0]!;
      assert.ok(first.answered);
      assert.equal(target.errorOf(first.json), target.names[503]);
      assert.equal(first.headers['retry-after'], '2');
    });

    test('every burst answer is recorded against its token, so attempts can be counted', async () => {
      const client = await s.client();
      s.sim.faults.set({ serverErrors: { count: 2 } });
      const token = target.token();
      for (let i = 0; i < 3; i++) await request(target, client, s.sim, token);
      assert.equal(s.sim.attempts(token), 3);
      assert.equal(s.sim.rejected.length, 2);
      assert.equal(s.sim.stats.accepted, 1);
    });

    test("a 500 burst answers the provider's internal error, without Retry-After when none is set", async () => {
      const client = await s.client();
      s.sim.faults.set({ serverErrors: { count: 1, status: 500 } });
      const answer = await request(target, client, s.sim);
      assert.ok(answer.answered);
      assert.equal(answer.status, 500);
      assert.equal(target.errorOf(answer.json), target.names[500]);
      assert.equal(answer.headers['retry-after'], undefined);
    });

    test('a burst for a duration lasts that long on the simulator clock, whatever the count of requests', async () => {
      const client = await s.client();
      s.sim.faults.set({ serverErrors: { durationMs: 10_000 } });
      assert.equal(statusOf(await request(target, client, s.sim)), 503);
      assert.equal(statusOf(await request(target, client, s.sim)), 503);
      now += 10_000;
      assert.equal(statusOf(await request(target, client, s.sim)), 200);
    });

    test('clear() ends a burst at once', async () => {
      const client = await s.client();
      s.sim.faults.set({ serverErrors: {} });
      assert.equal(statusOf(await request(target, client, s.sim)), 503);
      s.sim.faults.clear();
      assert.equal(statusOf(await request(target, client, s.sim)), 200);
    });
  });

  describe(`${target.name} simulator: a 5xx burst set at start`, () => {
    test('answers the first requests the simulator gets', async () => {
      const sim = await target.start({ serverErrors: { count: 1, status: 503 } });
      const client = await connectTo(sim);
      try {
        assert.equal(statusOf(await request(target, client, sim)), 503);
        assert.equal(statusOf(await request(target, client, sim)), 200);
      } finally {
        client.close();
        await sim.close();
      }
    });
  });
}
