import assert from 'node:assert/strict';
import { constants } from 'node:http2';
import { describe, test } from 'node:test';
import { TARGETS, request, simulatorPerSuite, statusOf } from './fault-targets.js';

for (const target of TARGETS) {
  describe(`${target.name} simulator: refused streams`, () => {
    const s = simulatorPerSuite(target);

    test('the next 2 streams are reset with REFUSED_STREAM and processed not at all, then requests are answered', async () => {
      const client = await s.client();
      s.sim.faults.set({ refuseStreams: 2 });
      const token = target.token();
      const first = await request(target, client, s.sim, token);
      assert.deepEqual(first, { answered: false, rstCode: constants.NGHTTP2_REFUSED_STREAM });
      assert.equal(statusOf(await request(target, client, s.sim, token)), 'refused');
      assert.equal(statusOf(await request(target, client, s.sim, token)), 200, 'the session stays usable');
      assert.equal(s.sim.stats.accepted, 1);
      assert.deepEqual(
        s.sim.faulted.map((f) => f.fault),
        ['refuse-stream', 'refuse-stream'],
      );
      assert.equal(s.sim.attempts(token), 3);
    });

    test('refused streams take precedence over a 5xx burst in force', async () => {
      const client = await s.client();
      s.sim.faults.set({ refuseStreams: 1, serverErrors: { count: 1 } });
      assert.equal(statusOf(await request(target, client, s.sim)), 'refused');
      assert.equal(statusOf(await request(target, client, s.sim)), 503);
    });
  });
}
