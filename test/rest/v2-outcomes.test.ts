/** API v2: the same deep schema, MongoosePush's `{"details": …}` answers. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { HeraldError } from '../../src/core/errors.js';
import { CLIENTS, testServerForSuite } from './rest-test-kit.js';

const PATH = '/v2/notification/f53453455';
const BODY = '{"service":"fcm","time_to_live":"3600","data":{"message-count":1}}';

describe('v2 answers', () => {
  const t = testServerForSuite();
  beforeEach(() => t.dispatcher.reset());

  for (const client of CLIENTS) {
    test(`a delivered notification is answered 200 null and cast like v3 (${client.name})`, async () => {
      t.dispatcher.outcome = { ok: true, id: 'x' };
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'null');
      assert.equal(t.dispatcher.received[0]?.time_to_live, 3600);
    });

    test(`unable_to_connect is answered 503 "Please try again later" (${client.name})`, async () => {
      t.dispatcher.outcome = { ok: false, reason: 'unable_to_connect' };
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 503);
      assert.equal(answer.body, '{"details":"Please try again later"}');
    });

    test(`an unregistered device is a 500 carrying the provider's reason, as upstream v2 does (${client.name})`, async () => {
      t.dispatcher.outcome = { ok: false, reason: 'unregistered', providerReason: 'UNREGISTERED', status: 404 };
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 500);
      assert.equal(answer.body, '{"details":"UNREGISTERED"}');
    });

    test(`a failure without a provider reason carries Herald's reason (${client.name})`, async () => {
      t.dispatcher.outcome = { ok: false, reason: 'no_matching_pool' };
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 500);
      assert.equal(answer.body, '{"details":"no_matching_pool"}');
    });
  }

  test('a full mailbox on v2 is a 500 too_many_requests', async () => {
    t.dispatcher.throws = new HeraldError('HERALD_MAILBOX_FULL');
    const answer = await CLIENTS[1].request(t, { path: PATH, body: BODY });
    assert.equal(answer.status, 500);
    assert.equal(answer.body, '{"details":"too_many_requests"}');
  });

  test('v2 validation failures are the same 422 as v3', async () => {
    const answer = await CLIENTS[0].request(t, { path: PATH, body: '{"data":{}}' });
    assert.equal(answer.status, 422);
    assert.equal(
      answer.body,
      '{"errors":[{"title":"Invalid value","source":{"pointer":"/service"},"message":"Missing field: service"}]}',
    );
  });
});
