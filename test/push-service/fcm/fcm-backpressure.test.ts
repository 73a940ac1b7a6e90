import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../../src/core/errors.js';
import type { PushOutcome } from '../../../src/push-service/notification.js';
import { alertTo, deviceToken, startHarness } from './harness.js';
import { eventually } from '../../support/eventually.js';

const CAPACITY = 3;

describe('FCM sender backpressure', { timeout: 30_000 }, () => {
  it('throws HERALD_MAILBOX_FULL at once when every sender mailbox is full', async () => {
    const h = await startHarness({
      fcm: { connections: 1, max_in_flight: 1, request_timeout_ms: 20_000 },
      senderMailboxCapacity: CAPACITY,
    });
    try {
      const stuck = deviceToken();
      h.sim.program(stuck, 'hang');
      const outcomes: Promise<PushOutcome>[] = [h.service.send(alertTo(stuck))];
      await eventually(() => h.service.stats().inFlight === 1, 'the first send in flight');
      outcomes.push(h.service.send(alertTo(stuck)));
      await eventually(() => h.service.stats().queued === 0, 'the actor to take the second one');
      for (let i = 0; i < CAPACITY; i++) outcomes.push(h.service.send(alertTo(deviceToken())));
      assert.equal(h.service.stats().queued, CAPACITY);

      // send() throws synchronously: the refusal comes at once, never after waiting for room.
      assert.throws(
        () => h.service.send(alertTo(deviceToken())),
        (e: unknown) => isHeraldError(e, 'HERALD_MAILBOX_FULL'),
      );

      await h.service.close(50);
      for (const o of await Promise.all(outcomes)) assert.deepEqual(o, { ok: false, reason: 'connection_lost' });
    } finally {
      await h.close();
    }
  });
});
