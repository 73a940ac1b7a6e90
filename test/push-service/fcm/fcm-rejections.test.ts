import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness } from './harness.js';

describe('FCM rejections', { timeout: 30_000 }, () => {
  it('reports UNREGISTERED as unregistered', async () => {
    const h = await startHarness();
    try {
      const token = deviceToken();
      h.sim.program(token, 'UNREGISTERED');
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'unregistered', status: 404, providerReason: 'UNREGISTERED' });
    } finally {
      await h.close();
    }
  });

  it('reports INVALID_ARGUMENT as invalid_request and does not send it again', async () => {
    const h = await startHarness();
    try {
      const token = deviceToken();
      h.sim.program(token, 'INVALID_ARGUMENT');
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'invalid_request', status: 400, providerReason: 'INVALID_ARGUMENT' });
      assert.equal(h.sim.stats.rejected, 1);
    } finally {
      await h.close();
    }
  });

  it('reports QUOTA_EXCEEDED as too_many_requests at once when its Retry-After is beyond retry_after_max_ms', async () => {
    const h = await startHarness();
    try {
      const token = deviceToken();
      h.sim.program(token, { errorCode: 'QUOTA_EXCEEDED', retryAfterSeconds: 30 });
      const outcome = await h.service.send(alertTo(token));
      assert.deepEqual(outcome, { ok: false, reason: 'too_many_requests', status: 429, providerReason: 'QUOTA_EXCEEDED' });
      assert.equal(h.sim.stats.rejected, 1, 'not held for 30 s');
    } finally {
      await h.close();
    }
  });
});
