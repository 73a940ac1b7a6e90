/** A push service's answers (RFC 8030 §5, RFC 8292 §4.2) as outcomes: which are dead subscriptions, which permanent, which retried. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageId, webPushFailureReason, webPushRejection } from '../../../src/push-service/webpush/outcome.js';
import { TRANSIENT_REASONS } from '../../../src/push-service/notification.js';

test('404 and 410 are a dead subscription, as APNS 410 and FCM UNREGISTERED are', () => {
  assert.equal(webPushFailureReason(404), 'unregistered');
  assert.equal(webPushFailureReason(410), 'unregistered');
});

test('413, 400 and a refused VAPID credential (401/403) are permanent; 429 and 5xx transient', () => {
  const permanent = { 413: 'payload_too_large', 400: 'invalid_request', 401: 'internal_config', 403: 'internal_config' } as const;
  for (const [status, reason] of Object.entries(permanent)) {
    assert.equal(webPushFailureReason(Number(status)), reason);
    assert.equal(TRANSIENT_REASONS.has(reason), false, reason);
  }
  for (const status of [429, 500, 503]) assert.equal(TRANSIENT_REASONS.has(webPushFailureReason(status)), true, String(status));
});

test("autopush's JSON error names the provider reason; any other body names none", () => {
  const body = JSON.stringify({ code: 410, errno: 103, error: 'Gone', message: 'Subscription expired' });
  assert.deepEqual(webPushRejection(410, body), { ok: false, reason: 'unregistered', status: 410, providerReason: 'errno 103 Gone' });
  assert.deepEqual(webPushRejection(503, '<html>'), { ok: false, reason: 'service_internal', status: 503 });
});

test("a 201's message id is the last segment of its Location", () => {
  assert.equal(messageId('https://push.example/m/abc123'), 'abc123');
  assert.equal(messageId(undefined), '');
});
