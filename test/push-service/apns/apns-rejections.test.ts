import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertTo, deviceToken, startHarness, type Harness } from './harness.js';

const SIM_NOW = 1_700_000_123_456;

// Every provider's permanent answers and their outcomes: ../providers/retries.test.ts.
describe('APNS provider rejections', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    // The simulator stamps 410 answers with its clock; a fixed clock makes the timestamp exact.
    h = await startHarness({ clock: () => SIM_NOW });
  });
  after(() => h.close());

  it('reports 410 Unregistered as unregistered with the timestamp Apple gave', async () => {
    h.sim.reset();
    const token = deviceToken();
    h.sim.program(token, { status: 410, reason: 'Unregistered' });
    const outcome = await h.service.send(alertTo(token));
    assert.deepEqual(outcome, { ok: false, reason: 'unregistered', status: 410, providerReason: 'Unregistered', timestamp: SIM_NOW });
  });

  it("reports the simulator's own validation (a token of the wrong length) as invalid_request", async () => {
    h.sim.reset();
    const outcome = await h.service.send(alertTo('abcd'));
    assert.deepEqual(outcome, { ok: false, reason: 'invalid_request', status: 400, providerReason: 'BadDeviceToken' });
  });
});
