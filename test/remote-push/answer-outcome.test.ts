/** The remote's answers as MongooseIM reads them: 410 alone is a dead device (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRANSIENT_REASONS } from '../../src/push-service/notification.js';
import { answerOutcome, MAX_REASON_CHARS, noAnswerOutcome } from '../../src/remote-push/index.js';

test('every 2xx is a delivery', () => {
  assert.deepEqual(answerOutcome(200, 'null'), { ok: true, id: '' });
  assert.deepEqual(answerOutcome(204, ''), { ok: true, id: '' });
});

test('410 is a dead device and keeps the remote reason', () => {
  assert.deepEqual(answerOutcome(410, '{"reason":"unregistered"}'), { ok: false, reason: 'unregistered', status: 410, providerReason: 'unregistered' });
});

test('every other status is transient, v2 500 Unregistered included', () => {
  const answers: Array<[number, string]> = [
    [400, '{"reason":"invalid_request"}'],
    [400, '{"reason":"no_matching_pool"}'],
    [401, ''],
    [413, '{"reason":"payload_too_large"}'],
    [422, '{"errors":[]}'],
    [429, '{"reason":"too_many_requests"}'],
    [500, '{"details":"Unregistered"}'],
    [500, '{"reason":"request_timeout"}'],
    [503, '{"details":"Please try again later"}'],
    [520, '{"reason":"unspecified"}'],
    [302, ''],
  ];
  for (const [status, body] of answers) {
    const outcome = answerOutcome(status, body);
    assert.ok(!outcome.ok && TRANSIENT_REASONS.has(outcome.reason), `${status} ${body} → ${JSON.stringify(outcome)}`);
    assert.equal(outcome.status, status);
  }
  assert.deepEqual(answerOutcome(500, '{"details":"Unregistered"}'), { ok: false, reason: 'unspecified', status: 500, providerReason: 'Unregistered' });
  assert.equal((answerOutcome(429, '') as { reason: string }).reason, 'too_many_requests');
});

test('a body that is not MongoosePush JSON is kept as text, cut to a bound', () => {
  const page = `<html>${'x'.repeat(1_000)}</html>`;
  const outcome = answerOutcome(502, page);
  assert.ok(!outcome.ok);
  assert.equal(outcome.providerReason, page.slice(0, MAX_REASON_CHARS));
  assert.equal((answerOutcome(500, '   ') as { providerReason?: string }).providerReason, undefined);
});

test('no answer is transient: no connection, a lost connection, a timeout', () => {
  assert.deepEqual(noAnswerOutcome('connect', 'ECONNREFUSED'), { ok: false, reason: 'unable_to_connect', providerReason: 'ECONNREFUSED' });
  assert.deepEqual(noAnswerOutcome('lost'), { ok: false, reason: 'connection_lost' });
  assert.deepEqual(noAnswerOutcome('timeout'), { ok: false, reason: 'request_timeout' });
  for (const kind of ['connect', 'lost', 'timeout'] as const) {
    const outcome = noAnswerOutcome(kind);
    assert.ok(!outcome.ok && TRANSIENT_REASONS.has(outcome.reason));
  }
});
