/**
 * The REST API's Idempotency-Key (draft-ietf-httpapi-idempotency-key-header), end to end: a
 * Herald engine (LMDB, one instance) pushing to the APNS simulator. A retry is answered from the
 * first attempt and never pushes the device again, unless the first sent nothing and invited the
 * retry. (Two instances on one PostgreSQL: idempotency-key-instances.test.ts.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../src/rest/idempotency/idempotency-key.js';
import { forSuite } from '../support/for-suite.js';
import { startShards } from '../shards/harness.js';
import { cleanup, configIn, startHerald, tempDir, type Running } from './harness.js';
import { keyedPost, pushesTo, type KeyedAnswer } from './keyed-post.js';

const PUSH = { service: 'apns', alert: { title: 'romeo', body: 'hello' } };
let devices = 0;
/** A device of its own per test: the simulator counts pushes by token. */
const device = () => (++devices).toString(16).padStart(64, 'c');

describe('a notification with an Idempotency-Key, on one instance', () => {
  const h = forSuite(async () => {
    const dir = tempDir();
    // No provider retries: a programmed 503 is the request's answer.
    const running = await startHerald(configIn(dir, { rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') }, apns: { key_file: join(dir, 'apns.p8'), retry_attempts: 0 } }));
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const post = (token: string, key: string | undefined, body: unknown = PUSH, version = 'v3'): Promise<KeyedAnswer> =>
      keyedPost(running.herald.rest!.url, ca, `/${version}/notification/${token}`, body, key === undefined ? {} : { 'idempotency-key': key });
    return { ...running, post, close: async () => (await running.close(), cleanup(dir)) } as Running & { post: typeof post };
  });

  test('a retry after a 200 gets the same 200 again, marked Idempotent-Replayed, and the device one push', async () => {
    const token = device();
    const first = await h.post(token, '"8e03978e-40d5-43e8-bc93-6894a57f9324"');
    assert.deepEqual([first.status, first.body, first.headers['idempotent-replayed']], [200, 'null', undefined]);
    const retry = await h.post(token, '"8e03978e-40d5-43e8-bc93-6894a57f9324"');
    assert.deepEqual([retry.status, retry.body, retry.headers['idempotent-replayed']], [200, 'null', 'true']);
    assert.equal(pushesTo(h.apns!, token), 1);
  });

  test('a provider rejection is recorded too: the retry gets the 410 again and nothing is sent again', async () => {
    const token = device();
    h.apns!.program(token, { status: 410, reason: 'Unregistered', times: 1 });
    const first = await h.post(token, 'dead-device-1');
    const retry = await h.post(token, 'dead-device-1');
    assert.deepEqual([first.status, first.body], [410, '{"reason":"unregistered"}']);
    assert.deepEqual([retry.status, retry.body, retry.headers['idempotent-replayed']], [410, '{"reason":"unregistered"}', 'true']);
    assert.equal(h.apns!.rejected.filter((r) => r.token === token).length, 1, 'APNS saw the notification once');
  });

  test('two requests with one key at once: one pushes, the other is answered 409 with Retry-After, and the device gets one push', async () => {
    const token = device();
    h.apns!.program(token, { delayMs: 300, times: 1 }); // the first push is still under way when the second arrives
    const answers = await Promise.all([h.post(token, 'twice-at-once'), h.post(token, 'twice-at-once')]);
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 409]);
    const conflict = answers.find((a) => a.status === 409)!;
    assert.equal(conflict.body, '{"reason":"idempotency_key_in_flight"}');
    assert.equal(conflict.headers['retry-after'], '1');
    assert.equal(pushesTo(h.apns!, token), 1);
    const later = await h.post(token, 'twice-at-once');
    assert.deepEqual([later.status, later.headers['idempotent-replayed']], [200, 'true']);
  });

  test('the key with another body, device or API version is answered 422 and pushes nothing', async () => {
    const token = device();
    const other = device();
    assert.equal((await h.post(token, 'reused-key')).status, 200);
    for (const reuse of [
      h.post(token, 'reused-key', { ...PUSH, alert: { title: 'romeo', body: 'another message' } }),
      h.post(other, 'reused-key'),
      h.post(token, 'reused-key', PUSH, 'v2'),
    ]) {
      assert.deepEqual(await reuse.then((a) => [a.status, a.body]), [422, '{"reason":"idempotency_key_reused"}']);
    }
    assert.equal(pushesTo(h.apns!, token), 1);
    assert.equal(pushesTo(h.apns!, other), 0);
  });

  test('an answer that sent nothing and invites a retry (APNS 503) releases the key: the retry pushes', async () => {
    const token = device();
    h.apns!.program(token, { status: 503, reason: 'ServiceUnavailable', times: 1 });
    const first = await h.post(token, 'retry-after-503');
    assert.deepEqual([first.status, first.body], [503, '{"reason":"service_internal"}']);
    const retry = await h.post(token, 'retry-after-503');
    assert.deepEqual([retry.status, retry.body, retry.headers['idempotent-replayed']], [200, 'null', undefined]);
    assert.equal(pushesTo(h.apns!, token), 1);
  });

  test('a malformed key is answered 400 and the request is not pushed', async () => {
    const token = device();
    for (const key of ['"unterminated', '"a" "b"', 'two, keys', 'with space', 'ü-not-ascii', 'x'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1), '""']) {
      const answer = await h.post(token, key);
      assert.deepEqual([answer.status, answer.body], [400, '{"reason":"idempotency_key_invalid"}'], key);
    }
    assert.equal(pushesTo(h.apns!, token), 0);
    // The longest accepted, and an sf-string with escapes, are keys.
    assert.equal((await h.post(token, 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH))).status, 200);
    assert.equal((await h.post(token, '"a \\"quoted\\" key"')).status, 200);
  });

  test('requests without the header push every time, as before', async () => {
    const token = device();
    assert.equal((await h.post(token, undefined)).status, 200);
    assert.equal((await h.post(token, undefined)).status, 200);
    assert.equal(pushesTo(h.apns!, token), 2);
  });
});

test("a sharded Herald's REST API (on the main thread, its process's LMDB) honours the key too", async () => {
  const dir = tempDir();
  const { herald, apns, close } = await startShards(configIn(dir, { rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') } }), 2);
  try {
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const token = device();
    const post = () => keyedPost(herald.rest!.url, ca, `/v3/notification/${token}`, PUSH, { 'idempotency-key': 'sharded' });
    assert.equal((await post()).status, 200);
    const retry = await post();
    assert.deepEqual([retry.status, retry.headers['idempotent-replayed']], [200, 'true']);
    assert.equal(pushesTo(apns!, token), 1);
  } finally {
    await close();
    cleanup(dir);
  }
});
