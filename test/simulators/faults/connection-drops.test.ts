import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { TARGETS, request, simulatorPerSuite, statusOf } from './fault-targets.js';

for (const target of TARGETS) {
  describe(`${target.name} simulator: connection drops`, () => {
    const s = simulatorPerSuite(target);

    test('dropConnections() closes every current connection without any frame, and the simulator keeps serving', async () => {
      const [a, b] = [await s.client(), await s.client()];
      let goaways = 0;
      for (const c of [a, b]) c.on('goaway', () => goaways++);
      const closed = [once(a, 'close'), once(b, 'close')];
      s.sim.faults.dropConnections();
      await Promise.all(closed);
      assert.equal(goaways, 0);
      assert.equal(statusOf(await request(target, await s.client(), s.sim)), 200);
    });

    test('dropConnections after 2 requests: 2 answered, the third gets no answer and is recorded as dropped', async () => {
      const c = await s.client();
      s.sim.faults.dropConnections({ afterRequests: 2 });
      assert.equal(statusOf(await request(target, c, s.sim)), 200);
      assert.equal(statusOf(await request(target, c, s.sim)), 200);
      const closed = once(c, 'close');
      const token = target.token();
      const third = await request(target, c, s.sim, token);
      assert.equal(third.answered, false);
      await closed;
      assert.deepEqual(
        s.sim.faulted.map((f) => [f.token, f.fault]),
        [[token, 'drop-connection']],
      );
      assert.equal(statusOf(await request(target, await s.client(), s.sim)), 200, 'one-shot: the next connection is served');
    });
  });
}
