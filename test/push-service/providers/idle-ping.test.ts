import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../support/eventually.js';
import { PROVIDERS } from './provider-rig.js';

for (const provider of PROVIDERS) {
  describe(`${provider.name} idle connections`, { timeout: 30_000 }, () => {
    it('are PINGed every ping_interval_ms and kept open', async () => {
      const h = await provider.start({ connection: { connections: 1, ping_interval_ms: 20 } });
      try {
        assert.equal((await h.service.send(provider.alertTo(provider.deviceToken()))).ok, true);
        const conn = () => h.service.senderStats().senders[0]!.connection;
        await eventually(() => conn().pingsSent >= 3, 'three idle PINGs', 10_000);
        assert.equal(conn().state, 'connected');
        assert.equal(conn().sessionsOpened, 1);
        assert.equal((await h.service.send(provider.alertTo(provider.deviceToken()))).ok, true, 'and still used afterwards');
        assert.equal(conn().sessionsOpened, 1);
      } finally {
        await h.close();
      }
    });
  });
}
