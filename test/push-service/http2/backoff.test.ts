import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RECONNECT_BACKOFF_MS, reconnectDelayMs } from '../../../src/push-service/http2/backoff.js';

describe('reconnect backoff', () => {
  it('doubles per failed session, between half and all of the ceiling', () => {
    assert.equal(reconnectDelayMs(250, 0, () => 0), 125);
    assert.equal(reconnectDelayMs(250, 0, () => 0.999999), 250);
    assert.equal(reconnectDelayMs(250, 1, () => 0.999999), 500);
    assert.equal(reconnectDelayMs(250, 3, () => 0), 1000);
  });

  it('never exceeds 30 s however many failures', () => {
    assert.equal(reconnectDelayMs(250, 1_000, () => 0.999999), MAX_RECONNECT_BACKOFF_MS);
    assert.equal(MAX_RECONNECT_BACKOFF_MS, 30_000);
  });
});
