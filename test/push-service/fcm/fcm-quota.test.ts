import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';

// The retries both providers share: ../providers/retries.test.ts.
describe('FCM retries: the project quota', { timeout: 60_000 }, () => {
  it("delivers a send over the project's quota in the next quota window, after the Retry-After FCM gave", async () => {
    const h = await startHarness({ fcm: { connections: 1 }, simulator: { quota: { messages: 2, windowMs: 1_000 } } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      assert.equal(h.sim.stats.rejectedByCode.QUOTA_EXCEEDED, 1);
      assert.equal(h.sim.stats.accepted, 3);
    } finally {
      await h.close();
    }
  });
});
