import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fcmOutcome } from '../../../src/push-service/fcm/outcome.js';

const status = (code: number, rpc: string, fcmCode?: string): string =>
  JSON.stringify({
    error: {
      code,
      message: 'm',
      status: rpc,
      details: fcmCode === undefined ? [] : [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: fcmCode }],
    },
  });

describe('FCM outcome mapping', () => {
  it('reads the message name of a success', () => {
    assert.deepEqual(fcmOutcome(200, '{"name":"projects/p/messages/1"}'), { ok: true, id: 'projects/p/messages/1' });
  });

  const cases: [number, string, string | undefined, string][] = [
    [400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'invalid_request'],
    [404, 'NOT_FOUND', 'UNREGISTERED', 'unregistered'],
    [429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED', 'too_many_requests'],
    [403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH', 'service_internal'],
    [401, 'UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR', 'service_internal'],
    [401, 'UNAUTHENTICATED', 'APNS_AUTH_ERROR', 'service_internal'],
    [503, 'UNAVAILABLE', 'UNAVAILABLE', 'service_internal'],
    [500, 'INTERNAL', 'INTERNAL', 'service_internal'],
    [500, 'UNKNOWN', 'UNSPECIFIED_ERROR', 'unspecified'],
    [500, 'UNKNOWN', 'SOMETHING_NEW', 'unspecified'],
  ];
  for (const [code, rpc, fcmCode, reason] of cases) {
    it(`maps ${fcmCode} (${code}) to ${reason}, preferring the FcmError detail over error.status`, () => {
      assert.deepEqual(fcmOutcome(code, status(code, rpc, fcmCode)), { ok: false, reason, status: code, providerReason: fcmCode });
    });
  }

  it('falls back to error.status when there is no FcmError detail', () => {
    assert.deepEqual(fcmOutcome(401, status(401, 'UNAUTHENTICATED')), {
      ok: false,
      reason: 'service_internal',
      status: 401,
      providerReason: 'UNAUTHENTICATED',
    });
  });

  it('judges a body it cannot parse by the HTTP status alone', () => {
    assert.deepEqual(fcmOutcome(404, 'not json'), { ok: false, reason: 'unregistered', status: 404 });
  });
});
