import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';

describe('FCM transport faults', { timeout: 30_000 }, () => {
  it('delivers after a GOAWAY by resending on a new connection', async () => {
    const h = await startHarness();
    try {
      const token = deviceToken();
      h.sim.program(token, { fault: 'goaway', times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.equal(outcome.ok, true);
      assert.equal(h.sim.received.length, 1);
      assert.equal(h.sim.stats.faults, 1);
      assert.ok(h.service.stats().senders.some((s) => s.connection.sessionsOpened >= 2), 'reconnected');
    } finally {
      await h.close();
    }
  });

  it('does not resend a send whose connection dropped after it went out (it may have been delivered), and reconnects', async () => {
    const h = await startHarness({ fcm: { connections: 1 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { fault: 'drop-connection', times: 1 });
      assert.deepEqual(await h.service.send(alertTo(token)), { ok: false, reason: 'connection_lost' });
      assert.equal(h.sim.stats.faults, 1, 'sent once');
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      assert.equal(h.service.stats().senders[0]!.connection.sessionsOpened, 2);
    } finally {
      await h.close();
    }
  });

  it('reports a send left unanswered as request_timeout, without resending it', async () => {
    const h = await startHarness({ fcm: { request_timeout_ms: 300, connections: 1 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { fault: 'hang', times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'request_timeout' });
      assert.equal(h.sim.received.length, 0);
      // The connection still works afterwards.
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
    } finally {
      await h.close();
    }
  });

  it('gives up as connection_lost once retry_attempts resends are spent', async () => {
    const h = await startHarness({ fcm: { retry_attempts: 1 } });
    try {
      const token = deviceToken();
      h.sim.program(token, { fault: 'goaway' });
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'connection_lost' });
      assert.equal(h.sim.stats.faults, 2);
    } finally {
      await h.close();
    }
  });
});
