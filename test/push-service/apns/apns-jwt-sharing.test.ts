import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';

describe('APNS provider token sharing', { timeout: 30_000 }, () => {
  it('mints one JWT for every connection in a refresh window and one more once the window has passed', async () => {
    let now = 1_700_000_000_000;
    const h = await startHarness({ apns: { connections: 4, jwt_refresh_s: 3000 }, clock: () => now });
    try {
      const first = await Promise.all(Array.from({ length: 20 }, () => h.service.send(alertTo(deviceToken()))));
      for (const o of first) assert.equal(o.ok, true);
      const senders = h.service.senderStats().senders;
      assert.deepEqual(senders.map((s) => s.connection.sessionsOpened), [1, 1, 1, 1], 'every connection was used');
      assert.equal(h.service.senderStats().tokensIssued, 1);
      assert.equal(h.sim.stats.jwtsSeen, 1);

      now += 2_999_000; // still inside the window
      for (const o of await Promise.all(Array.from({ length: 8 }, () => h.service.send(alertTo(deviceToken()))))) {
        assert.equal(o.ok, true);
      }
      assert.equal(h.service.senderStats().tokensIssued, 1);

      now += 1_000; // exactly jwt_refresh_s after the first token
      for (const o of await Promise.all(Array.from({ length: 20 }, () => h.service.send(alertTo(deviceToken()))))) {
        assert.equal(o.ok, true, 'Apple (the simulator) accepts the refreshed token');
      }
      assert.equal(h.service.senderStats().tokensIssued, 2);
      assert.equal(h.sim.stats.jwtsSeen, 2);
      assert.equal(h.sim.stats.rejected, 0);
    } finally {
      await h.close();
    }
  });
});
