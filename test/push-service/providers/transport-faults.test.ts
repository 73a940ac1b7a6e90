/**
 * What becomes of a notification when the transport fails under it: a refused stream or a GOAWAY
 * before the request was processed is resent (RFC 9113 §8.7: the request was not processed);
 * a connection that drops after the request went out is not (it may have been delivered); an
 * unanswered request ends at request_timeout_ms; an endpoint nobody listens on, after the
 * retries, as unable_to_connect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../../support/eventually.js';
import { PROVIDERS, type ProviderRig } from './provider-rig.js';

const REQUEST_TIMEOUT_MS = 300;

for (const provider of PROVIDERS) {
  const alertTo = provider.alertTo;
  const deviceToken = provider.deviceToken;

  describe(`${provider.name} transport failures`, { timeout: 30_000 }, () => {
    let h: ProviderRig;
    const conn = () => h.service.senderStats().senders[0]!.connection;
    before(async () => {
      h = await provider.start({ connection: { connections: 1, retry_attempts: 2, request_timeout_ms: REQUEST_TIMEOUT_MS } });
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
      const opened = conn().sessionsOpened;
      const token = deviceToken();
      h.sim.program(token, { fault: 'goaway', times: 1 });
      const outcome = await h.service.send(alertTo(token));
      assert.equal(outcome.ok, true);
      assert.deepEqual(h.sim.received.map((r) => r.token), [token]);
      assert.equal(h.sim.stats.faults, 1);
      assert.equal(conn().sessionsOpened, opened + 1);
      assert.match(conn().lastEviction ?? '', /GOAWAY/);
      assert.equal(conn().state, 'connected');
    });

    it('does not resend a request whose connection dropped after it went out (it may have been delivered), and reconnects', async () => {
      h.sim.reset();
      const opened = conn().sessionsOpened;
      const token = deviceToken();
      h.sim.program(token, { fault: 'drop-connection', times: 1 });
      assert.deepEqual(await h.service.send(alertTo(token)), { ok: false, reason: 'connection_lost' });
      assert.equal(h.sim.stats.faults, 1, 'sent once');
      const next = deviceToken();
      assert.equal((await h.service.send(alertTo(next))).ok, true);
      assert.deepEqual(h.sim.received.map((r) => r.token), [next]);
      assert.equal(conn().sessionsOpened, opened + 1);
    });

    for (const fault of ['refuse-stream', 'goaway'] as const) {
      it(`gives up with connection_lost once retry_attempts resends are spent (${fault} every time)`, async () => {
        h.sim.reset();
        const token = deviceToken();
        h.sim.program(token, fault);
        const outcome = await h.service.send(alertTo(token));
        assert.deepEqual(outcome, { ok: false, reason: 'connection_lost' });
        assert.equal(h.sim.stats.faults, 1 + h.config.retry_attempts);
        h.sim.clearPrograms();
      });
    }

    it('reports an unanswered request as request_timeout and does not resend it', async () => {
      h.sim.reset();
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true); // connection warmed up
      const opened = conn().sessionsOpened;
      const token = deviceToken();
      h.sim.program(token, { fault: 'hang', times: 1 });
      const outcome = await h.service.send(alertTo(token));
      // The reason names the timer that ended the request: request_timeout_ms, not the connection's.
      assert.deepEqual(outcome, { ok: false, reason: 'request_timeout' });
      // The connection stays usable, and the hung notification was seen exactly once.
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      assert.equal(h.sim.stats.faults, 1);
      assert.equal(h.sim.stats.accepted, 2);
      assert.equal(conn().sessionsOpened, opened);
    });
  });

  describe(`${provider.name} endpoint that cannot be reached`, { timeout: 30_000 }, () => {
    it('ends as unable_to_connect after the retries, waiting out a backoff between attempts', async () => {
      const h = await provider.start({ connection: { connections: 1, retry_attempts: 2, reconnect: { backoff_ms: 100, max_ms: 30_000 } } });
      const conn = () => h.service.senderStats().senders[0]!.connection;
      const url = h.sim.url;
      // Delivered once first, so that FCM holds its access token: only the push endpoint is gone.
      assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
      const opened = conn().sessionsOpened;
      await h.sim.close(); // nothing listens there any more
      try {
        await eventually(() => conn().state !== 'connected', 'the session seen closed');
        const sending = h.service.send(alertTo(deviceToken()));
        // After each failed attempt the connection is in backoff (≥ 50, then ≥ 100 ms) before the next.
        for (const failed of [1, 2]) {
          await eventually(() => conn().sessionsOpened === opened + failed && conn().state === 'backoff', `the backoff after failed attempt ${failed}`);
        }
        assert.deepEqual(await sending, { ok: false, reason: 'unable_to_connect' });
        assert.equal(conn().sessionsOpened, opened + 3, `one session per attempt against ${url}`);
        assert.equal(conn().consecutiveFailures, 3);
      } finally {
        await h.service.close(100);
      }
    });
  });
}
