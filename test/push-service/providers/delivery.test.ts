/**
 * What both providers' pools refuse before anything is sent. Each provider's wire format (APNS
 * headers and payload, FCM message) is checked in apns/apns-delivery.test.ts and
 * fcm/fcm-delivery.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PushPools } from '../../../src/push-service/pools/push-pools.js';
import { PROVIDERS, type ProviderRig } from './provider-rig.js';

for (const provider of PROVIDERS) {
  const { alertTo, deviceToken } = provider;

  describe(`${provider.name} refusals before sending`, { timeout: 30_000 }, () => {
    let h: ProviderRig;
    before(async () => {
      h = await provider.start();
    });
    after(() => h.close());

    it('refuses an oversize payload as payload_too_large without sending any request', async () => {
      const outcome = await h.service.send({ ...alertTo(deviceToken()), data: { blob: 'x'.repeat(5_000) } });
      assert.deepEqual(outcome, { ok: false, reason: 'payload_too_large' });
      assert.equal(h.sim.stats.accepted + h.sim.stats.rejected + h.sim.stats.faults, 0);
      // A later notification arrives alone: the oversize one never left.
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      assert.equal(h.sim.stats.accepted, 1);
      assert.equal(h.sim.stats.rejected + h.sim.stats.faults, 0);
    });

    it('answers no_matching_pool for a notification meant for the other service, without sending it', async () => {
      // The pools choose by service (select-pool.ts); a pool is never handed another service's notification.
      const pools = new PushPools([h.service]);
      const other = provider.name === 'APNS' ? 'fcm' : 'apns';
      const accepted = h.sim.stats.accepted;
      const outcome = await pools.send({ ...alertTo(deviceToken()), service: other });
      assert.deepEqual(outcome, { ok: false, reason: 'no_matching_pool' });
      assert.equal(h.sim.stats.accepted, accepted);
      assert.equal(h.sim.stats.rejected + h.sim.stats.faults, 0);
    });
  });
}
