import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';
import { eventually } from '../../support/eventually.js';

describe('APNS in-flight limit', { timeout: 30_000 }, () => {
  it('starts at 1 stream and grows to min(max_in_flight, the peer streams) after the first valid token', async () => {
    const h = await startHarness({
      apns: { connections: 1, max_in_flight: 20, request_timeout_ms: 300 },
      simulator: { maxConcurrentStreams: 50, latencyMs: 60 },
    });
    try {
      const conn = () => h.service.senderStats().senders[0]!.connection;
      assert.equal(conn().limit, 1);
      assert.equal(conn().state, 'idle');

      // The first request hangs before the simulator checks its token: the peer keeps 1 stream.
      const hanging = deviceToken();
      h.sim.program(hanging, 'hang');
      let timedOut = false;
      const first = h.service.send(alertTo(hanging)).then((o) => {
        timedOut = true;
        return o;
      });
      const rest = Array.from({ length: 5 }, () => h.service.send(alertTo(deviceToken())));
      let maxWhileOneStream = 0;
      let maxAfter = 0;
      await eventually(() => {
        const c = conn();
        if (!timedOut) {
          assert.equal(c.limit, 1);
          maxWhileOneStream = Math.max(maxWhileOneStream, c.inFlight);
        } else maxAfter = Math.max(maxAfter, c.inFlight);
        return h.service.senderStats().outstanding === 0;
      }, 'every notification answered');
      assert.deepEqual(await first, { ok: false, reason: 'request_timeout' });
      for (const o of await Promise.all(rest)) assert.equal(o.ok, true);
      assert.equal(maxWhileOneStream, 1, 'one stream until a valid token was seen');
      assert.ok(maxAfter > 1, `the other notifications went out together (saw ${maxAfter} in flight)`);
      assert.equal(conn().peerMaxConcurrentStreams, 50);
      assert.equal(conn().limit, 20);
      assert.equal(conn().sessionsOpened, 1);
    } finally {
      await h.close();
    }
  });

  it('never has more streams in flight than max_in_flight', async () => {
    const h = await startHarness({
      apns: { connections: 1, max_in_flight: 3 },
      simulator: { maxConcurrentStreams: 100, latencyMs: 20 },
    });
    try {
      await h.service.send(alertTo(deviceToken())); // lifts the peer limit
      const outcomes = Array.from({ length: 30 }, () => h.service.send(alertTo(deviceToken())));
      let max = 0;
      await eventually(() => {
        max = Math.max(max, h.service.senderStats().inFlight);
        return h.service.senderStats().outstanding === 0;
      }, 'every notification answered');
      for (const o of await Promise.all(outcomes)) assert.equal(o.ok, true);
      assert.equal(max, 3);
    } finally {
      await h.close();
    }
  });
});
