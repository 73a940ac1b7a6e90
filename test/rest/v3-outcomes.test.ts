/** Every dispatch outcome, over the wire, becomes the v3 status and body of the contract. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PushFailureReason } from '../../src/push-service/notification.js';
import { CLIENTS, testServerForSuite } from './rest-test-kit.js';

const V3_TABLE: [PushFailureReason, number][] = [
  ['invalid_request', 400],
  ['no_matching_pool', 400],
  ['invalid_notification', 400],
  ['unregistered', 410],
  ['payload_too_large', 413],
  ['too_many_requests', 429],
  ['service_internal', 503],
  ['internal_config', 503],
  ['unable_to_connect', 503],
  ['connection_lost', 503],
  ['unspecified', 520],
  ['request_timeout', 500],
];

const PATH = '/v3/notification/f53453455';
const BODY = '{"service":"apns","alert":{"title":"t","body":"b"}}';

describe('v3 answers per dispatch outcome', () => {
  const t = testServerForSuite();

  for (const client of CLIENTS) {
    test(`a delivered notification is answered 200 with the JSON document null (${client.name})`, async () => {
      t.dispatcher.outcome = { ok: true, id: 'apns-id-1' };
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'null');
    });

    for (const [reason, status] of V3_TABLE) {
      test(`outcome ${reason} is answered ${status} {"reason":"${reason}"} (${client.name})`, async () => {
        t.dispatcher.outcome = { ok: false, reason, providerReason: 'SomeProviderReason', status: 400 };
        const answer = await client.request(t, { path: PATH, body: BODY });
        assert.equal(answer.status, status);
        assert.equal(answer.body, JSON.stringify({ reason }));
      });
    }
  }
});
