import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness, type Harness } from './harness.js';

const REQUEST_TIMEOUT_MS = 150;

describe('APNS request timeout', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apns: { connections: 1, request_timeout_ms: REQUEST_TIMEOUT_MS, retry_attempts: 2 } });
  });
  after(() => h.close());

  it('reports an unanswered request as request_timeout after request_timeout_ms and does not resend it', async () => {
    h.sim.reset();
    assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true); // connection warmed up
    const token = deviceToken();
    h.sim.program(token, 'hang');
    const outcome = await h.service.send(alertTo(token));
    // The reason names the timer that ended the request: request_timeout_ms, not the connection's.
    assert.deepEqual(outcome, { ok: false, reason: 'request_timeout' });
    // The connection stays usable, and the hung notification was seen exactly once.
    assert.equal((await h.service.send(alertTo(deviceToken()))).ok, true);
    assert.equal(h.sim.stats.faults, 1);
    assert.equal(h.sim.stats.accepted, 2);
    assert.equal(h.service.stats().senders[0]!.connection.sessionsOpened, 1);
  });
});
