/** The outcome → answer tables as pure data (a throw's answer: test/core/error-registry.test.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { v2Response } from '../../src/rest/v2-responses.js';
import { V3_FAILURES, v3Response } from '../../src/rest/v3-responses.js';

test('v3: success is 200 with the JSON document null', () => {
  assert.deepEqual({ ...v3Response({ ok: true, id: 'x' }) }, { status: 200, body: 'null' });
});

test('v3: only an unregistered device is answered 410 (the one status MongooseIM acts on)', () => {
  const gone = Object.entries(V3_FAILURES).filter(([, r]) => r.status === 410).map(([reason]) => reason);
  assert.deepEqual(gone, ['unregistered']);
});

test('v3: every failure body is {"reason": <the reason>}', () => {
  for (const [reason, response] of Object.entries(V3_FAILURES)) {
    assert.deepEqual(JSON.parse(response.body), { reason });
  }
});

test('v2: unregistered is a 500 with the provider reason; unable_to_connect a 503', () => {
  assert.deepEqual({ ...v2Response({ ok: false, reason: 'unregistered', providerReason: 'Unregistered' }) }, { status: 500, body: '{"details":"Unregistered"}' });
  assert.deepEqual({ ...v2Response({ ok: false, reason: 'unable_to_connect' }) }, { status: 503, body: '{"details":"Please try again later"}' });
});
