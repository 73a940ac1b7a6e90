import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthReport } from '../../../src/push-service/ops/healthcheck.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');

test('a pool with one connected connection passes, and one pool up is enough for 200', () => {
  const report = healthReport(
    [
      { name: 'apns-prod', connected: 2, disconnected: 0 },
      { name: 'fcm', connected: 0, disconnected: 3 },
    ],
    '0.1.0',
    NOW,
  );
  assert.equal(report.status, 200);
  assert.deepEqual(report.body, {
    description: 'Health of Herald connections to FCM and APNS services',
    details: {
      'pool:apns-prod': [{ output: { connected: 2, disconnected: 0 }, status: 'pass', time: NOW.toISOString() }],
      'pool:fcm': [{ output: { connected: 0, disconnected: 3 }, status: 'fail', time: NOW.toISOString() }],
    },
    releaseID: '0.1.0',
    status: 'pass',
    version: '0',
  });
});

test('every pool down answers 503 with status fail', () => {
  const report = healthReport([{ name: 'apns-prod', connected: 0, disconnected: 2 }], '0.1.0', NOW);
  assert.equal(report.status, 503);
  assert.equal(report.body.status, 'fail');
});

test('a Web Push pool without a connection yet passes without making the answer: it connects when a push needs it', () => {
  const webpush = { name: 'webpush', connected: 0, disconnected: 0, onDemand: true };
  const alone = healthReport([webpush], '0.1.0', NOW);
  assert.equal(alone.status, 200, 'nothing is down');
  assert.equal(alone.body.details['pool:webpush']![0]!.status, 'pass');
  const besideDown = healthReport([webpush, { name: 'apns-prod', connected: 0, disconnected: 2 }], '0.1.0', NOW);
  assert.equal(besideDown.status, 503, 'it does not make a down APNS pool healthy');
});

test('an APNS pool with no connection at all fails: APNS and FCM pools connect at start', () => {
  const report = healthReport([{ name: 'apns-prod', connected: 0, disconnected: 0 }], '0.1.0', NOW);
  assert.equal(report.status, 503);
  assert.equal(report.body.details['pool:apns-prod']![0]!.status, 'fail');
});
