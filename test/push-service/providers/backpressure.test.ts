import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../../src/core/errors.js';
import type { PushOutcome } from '../../../src/push-service/notification.js';
import { eventually } from '../../support/eventually.js';
import { PROVIDERS } from './provider-rig.js';

const CAPACITY = 4;

for (const provider of PROVIDERS) {
  const alert = () => provider.alertTo(provider.deviceToken());

  describe(`${provider.name} sender backpressure`, { timeout: 30_000 }, () => {
    it('throws HERALD_MAILBOX_FULL at once when every sender mailbox is full', async () => {
      const h = await provider.start({
        connection: { connections: 1, max_in_flight: 1, request_timeout_ms: 20_000 },
        senderMailboxCapacity: CAPACITY,
      });
      try {
        const stuck = provider.deviceToken();
        h.sim.program(stuck, 'hang');
        // The first request takes the only stream and hangs.
        const outcomes: Promise<PushOutcome>[] = [h.service.send(provider.alertTo(stuck))];
        await eventually(() => h.service.senderStats().inFlight === 1, 'the first request in flight');
        // The next one is taken by the actor, which waits for a stream; CAPACITY more fill the mailbox.
        outcomes.push(h.service.send(provider.alertTo(stuck)));
        await eventually(() => h.service.senderStats().queued === 0, 'the actor to take the second one');
        for (let i = 0; i < CAPACITY; i++) outcomes.push(h.service.send(alert()));
        assert.equal(h.service.senderStats().queued, CAPACITY);

        // send() throws synchronously: the refusal comes at once, never after waiting for room.
        assert.throws(
          () => h.service.send(alert()),
          (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'),
        );

        // Closing with a short grace ends what is stuck instead of waiting for it.
        await h.service.close(50);
        const settled = await Promise.all(outcomes);
        assert.equal(settled.length, CAPACITY + 2);
        for (const o of settled) assert.deepEqual(o, { ok: false, reason: 'connection_lost' });
        assert.throws(
          () => h.service.send(alert()),
          (e: unknown) => isHeraldError(e, 'HERALD_SHUTTING_DOWN'),
        );
      } finally {
        await h.close();
      }
    });

    it('spreads notifications over the least-loaded senders', async () => {
      const h = await provider.start({ connection: { connections: 3 }, simulator: { latencyMs: 20 } });
      try {
        const outcomes = Array.from({ length: 9 }, () => h.service.send(alert()));
        assert.deepEqual(h.service.senderStats().senders.map((s) => s.mailboxDepth), [3, 3, 3]);
        for (const o of await Promise.all(outcomes)) assert.equal(o.ok, true);
      } finally {
        await h.close();
      }
    });
  });

  describe(`${provider.name} service close`, { timeout: 30_000 }, () => {
    it('lets accepted notifications finish before closing the connections', async () => {
      const h = await provider.start({ connection: { connections: 2 }, simulator: { latencyMs: 30 } });
      try {
        const outcomes = Array.from({ length: 10 }, () => h.service.send(alert()));
        await h.service.close(5_000);
        for (const o of await Promise.all(outcomes)) assert.equal(o.ok, true);
        assert.equal(h.sim.stats.accepted, 10);
        for (const s of h.service.senderStats().senders) assert.equal(s.connection.state, 'closed');
      } finally {
        await h.close();
      }
    });
  });
}
