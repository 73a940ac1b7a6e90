import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness, type Harness } from './harness.js';

describe('APNS transport failures', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apns: { connections: 1, retry_attempts: 2 } });
  });
  after(() => h.close());

  it('resends a refused stream and delivers it exactly once', async () => {
    h.sim.reset();
    const token = deviceToken();
    h.sim.program(token, { fault: 'refuse-stream', times: 1 });
    const outcome = await h.service.send(alertTo(token));
    assert.equal(outcome.ok, true);
    assert.equal(h.sim.stats.faults, 1);
    assert.equal(h.sim.stats.accepted, 1);
    assert.deepEqual(h.sim.received.map((r) => r.token), [token]);
  });

  it('replaces the connection after a GOAWAY and delivers the notification', async () => {
    h.sim.reset();
    const opened = h.service.stats().senders[0]!.connection.sessionsOpened;
    const token = deviceToken();
    h.sim.program(token, { fault: 'goaway', goawayReason: 'Shutdown', times: 1 });
    const outcome = await h.service.send(alertTo(token));
    assert.equal(outcome.ok, true);
    assert.deepEqual(h.sim.received.map((r) => r.token), [token]);
    const conn = h.service.stats().senders[0]!.connection;
    assert.equal(conn.sessionsOpened, opened + 1);
    assert.match(conn.lastEviction ?? '', /GOAWAY.*Shutdown/);
    assert.equal(conn.state, 'connected');
  });

  it('does not resend a request whose connection dropped after it went out (it may have been delivered), and reconnects', async () => {
    h.sim.reset();
    const opened = h.service.stats().senders[0]!.connection.sessionsOpened;
    const token = deviceToken();
    h.sim.program(token, { fault: 'drop-connection', times: 1 });
    assert.deepEqual(await h.service.send(alertTo(token)), { ok: false, reason: 'connection_lost' });
    assert.equal(h.sim.stats.faults, 1, 'sent once');
    const next = deviceToken();
    assert.equal((await h.service.send(alertTo(next))).ok, true);
    assert.deepEqual(h.sim.received.map((r) => r.token), [next]);
    assert.equal(h.service.stats().senders[0]!.connection.sessionsOpened, opened + 1);
  });

  it('gives up with connection_lost once retry_attempts resends are spent', async () => {
    h.sim.reset();
    const token = deviceToken();
    h.sim.program(token, 'refuse-stream');
    const outcome = await h.service.send(alertTo(token));
    assert.deepEqual(outcome, { ok: false, reason: 'connection_lost' });
    assert.equal(h.sim.stats.faults, 1 + h.config.retry_attempts);
    h.sim.clearPrograms();
  });
});

describe('APNS endpoint that cannot be reached', { timeout: 30_000 }, () => {
  it('ends as unable_to_connect after the retries, waiting a backoff between attempts', async () => {
    const h = await startHarness({ apns: { connections: 1, retry_attempts: 2, reconnect: { backoff_ms: 20, max_ms: 30_000 } } });
    const url = h.sim.url;
    await h.sim.close(); // nothing listens there any more
    try {
      const start = Date.now();
      const outcome = await h.service.send(alertTo(deviceToken()));
      assert.deepEqual(outcome, { ok: false, reason: 'unable_to_connect' });
      const conn = h.service.stats().senders[0]!.connection;
      assert.equal(conn.sessionsOpened, 3, `one session per attempt against ${url}`);
      assert.equal(conn.consecutiveFailures, 3);
      // Backoffs: [10, 20] ms after the first failure, [20, 40] after the second.
      assert.ok(Date.now() - start >= 30, 'attempts are spaced by the backoff');
    } finally {
      await h.service.close(100);
      h.runtime.stop();
    }
  });
});
