/** When the dispatcher throws instead of answering, the client still gets a definite answer. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { HeraldError } from '../../src/core/errors.js';
import type { PushOutcome } from '../../src/push-service/notification.js';
import { CLIENTS, RecordingLog, testServerForSuite } from './rest-test-kit.js';

const PATH = '/v3/notification/f53453455';
const BODY = '{"service":"apns","alert":{"title":"t","body":"b"}}';

describe('dispatcher failures', () => {
  const log = new RecordingLog();
  const t = testServerForSuite({}, log);
  beforeEach(() => {
    log.lines.length = 0;
    t.dispatcher.reset();
  });

  for (const client of CLIENTS) {
    test(`a full mailbox is answered 429 too_many_requests at once (${client.name})`, async () => {
      t.dispatcher.throws = new HeraldError('HERALD_MAILBOX_FULL');
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 429);
      assert.equal(answer.body, '{"reason":"too_many_requests"}');
      assert.deepEqual(log.errors(), [], 'backpressure is an answer, not an error worth a log line');
    });

    test(`an unexpected throw is answered 500 request_timeout, never 410 (${client.name})`, async () => {
      t.dispatcher.throws = new TypeError('bug in a sender');
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 500);
      assert.equal(answer.body, '{"reason":"request_timeout"}');
      assert.deepEqual(log.errors(), ['rest.dispatcher_failed']);
      assert.ok(!JSON.stringify(log.lines, (_k, v: unknown) => (v instanceof Error ? v.message : v)).includes('f53453455'), 'no device token in the log');
    });
  }

  test('a shutting-down engine is answered 503 service_internal', async () => {
    t.dispatcher.throws = new HeraldError('HERALD_SHUTTING_DOWN');
    const answer = await CLIENTS[1].request(t, { path: PATH, body: BODY });
    assert.equal(answer.status, 503);
    assert.equal(answer.body, '{"reason":"service_internal"}');
  });

  test('an outcome outside the contract is answered 500 request_timeout', async () => {
    t.dispatcher.outcome = { ok: false, reason: 'no_such_reason' } as unknown as PushOutcome;
    const answer = await CLIENTS[0].request(t, { path: PATH, body: BODY });
    assert.equal(answer.status, 500);
    assert.equal(answer.body, '{"reason":"request_timeout"}');
  });

  test('a dispatcher resolving with nothing is answered 500 request_timeout', async () => {
    t.dispatcher.outcome = undefined as unknown as PushOutcome;
    const answer = await CLIENTS[1].request(t, { path: PATH, body: BODY });
    assert.equal(answer.status, 500);
    assert.equal(answer.body, '{"reason":"request_timeout"}');
  });
});
