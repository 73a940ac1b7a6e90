import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APNS_REASONS, apnsOutcome } from '../../../src/push-service/apns/outcome.js';

describe('APNS answer → outcome', () => {
  it('reports 200 as delivered with the apns-id', () => {
    assert.deepEqual(apnsOutcome(200, '', 'id-1'), { ok: true, id: 'id-1' });
  });

  it('follows the MongoosePush mapping for every reason it names', () => {
    const expected: Record<string, string> = {
      BadDeviceToken: 'invalid_request',
      DeviceTokenNotForTopic: 'invalid_request',
      TopicDisallowed: 'invalid_request',
      Forbidden: 'invalid_request',
      PayloadEmpty: 'invalid_request',
      BadTopic: 'internal_config',
      MissingTopic: 'internal_config',
      BadPriority: 'internal_config',
      ExpiredProviderToken: 'service_internal',
      InvalidProviderToken: 'service_internal',
      BadCertificate: 'service_internal',
      Unregistered: 'unregistered',
      TooManyRequests: 'too_many_requests',
      TooManyProviderTokenUpdates: 'too_many_requests',
      ServiceUnavailable: 'service_internal',
      Shutdown: 'service_internal',
      InternalServerError: 'service_internal',
      PayloadTooLarge: 'payload_too_large',
    };
    for (const [reason, outcome] of Object.entries(expected)) {
      const entry = APNS_REASONS[reason as keyof typeof APNS_REASONS];
      assert.deepEqual(apnsOutcome(entry.status, JSON.stringify({ reason }), 'id'), {
        ok: false,
        reason: outcome,
        status: entry.status,
        providerReason: reason,
      });
    }
  });

  it('reports 410 Unregistered as unregistered with the timestamp', () => {
    assert.deepEqual(apnsOutcome(410, '{"reason":"Unregistered","timestamp":1700000000000}', 'id'), {
      ok: false,
      reason: 'unregistered',
      status: 410,
      providerReason: 'Unregistered',
      timestamp: 1_700_000_000_000,
    });
  });

  it('judges an unknown or missing reason by its status', () => {
    assert.equal(apnsOutcome(503, '', 'id').ok, false);
    assert.deepEqual(apnsOutcome(502, 'not json', 'id'), { ok: false, reason: 'service_internal', status: 502 });
    assert.deepEqual(apnsOutcome(410, '{}', 'id'), { ok: false, reason: 'unregistered', status: 410 });
    assert.deepEqual(apnsOutcome(429, 'null', 'id'), { ok: false, reason: 'too_many_requests', status: 429 });
    assert.deepEqual(apnsOutcome(400, '{"reason":"SomethingNew"}', 'id'), {
      ok: false,
      reason: 'unspecified',
      status: 400,
      providerReason: 'SomethingNew',
    });
    assert.equal((apnsOutcome(400, '{"reason":"constructor"}', 'id') as { reason: string }).reason, 'unspecified');
  });
});
