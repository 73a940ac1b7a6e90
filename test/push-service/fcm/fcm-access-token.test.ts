import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';

const MARGIN_S = 300;
const LIFETIME_S = 3_600; // the simulator's (Google's) access-token lifetime

describe('FCM access tokens', { timeout: 30_000 }, () => {
  it('fetches one access token for many concurrent sends, and a new one once expiry minus margin passes', async () => {
    let now = Date.now();
    const h = await startHarness({ clock: () => now, fcm: { token_refresh_margin_s: MARGIN_S } });
    try {
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => h.service.send(alertTo(deviceToken()))));
      for (const o of outcomes) assert.equal(o.ok, true);
      assert.equal(h.sim.stats.tokensIssued, 1);
      assert.equal(h.service.senderStats().tokensIssued, 1);

      now += (LIFETIME_S - MARGIN_S - 1) * 1_000; // still outside the margin
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      assert.equal(h.sim.stats.tokensIssued, 1);

      now += 2_000; // inside the margin: refreshed before use
      const again = await Promise.all(Array.from({ length: 10 }, () => h.service.send(alertTo(deviceToken()))));
      for (const o of again) assert.equal(o.ok, true);
      assert.equal(h.sim.stats.tokensIssued, 2);
      assert.equal(h.service.senderStats().tokensIssued, 2);
    } finally {
      await h.close();
    }
  });

  it('refreshes a token FCM no longer accepts (401) and delivers on the one retry', async () => {
    const h = await startHarness();
    try {
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      h.sim.reset(); // forgets every issued token: the cached one now gets 401 UNAUTHENTICATED
      const outcome = await h.service.send(alertTo(deviceToken()));
      assert.equal(outcome.ok, true);
      assert.equal(h.sim.stats.rejectedByCode.UNAUTHENTICATED, 1);
      assert.equal(h.sim.stats.accepted, 1);
      assert.equal(h.service.senderStats().tokensIssued, 2);
    } finally {
      await h.close();
    }
  });
});
