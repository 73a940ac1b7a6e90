/**
 * Issue 11: a client retries a request whose answer a failover lost (HAProxy's REFUSED_STREAM
 * after an instance died), and the retry lands on another instance. Two Herald engines on one
 * PostgreSQL and one APNS simulator: the Idempotency-Key the first claimed is seen by the second.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Herald } from '../../src/embed/engine.js';
import { requestFingerprint } from '../../src/rest/idempotency/fingerprint.js';
import { PostgresIdempotencyKeys } from '../../src/rest/idempotency/postgres-idempotency-keys.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import { eventually } from '../support/eventually.js';
import { forSuite } from '../support/for-suite.js';
import { postgresDatabase, postgresOptions } from '../support/postgres-server.js';
import { cleanup, configIn, startHerald, tempDir } from './harness.js';
import { keyedPost, pushesTo, type KeyedAnswer } from './keyed-post.js';

const PUSH = { service: 'apns', alert: { title: 'romeo', body: 'hello' } };
let devices = 0;
const device = () => (++devices).toString(16).padStart(64, 'd');

describe('a notification with an Idempotency-Key, on two instances sharing PostgreSQL', () => {
  const d = forSuite(async () => {
    const db = await postgresDatabase();
    const dir = tempDir();
    const rest = (name: string) => ({ enabled: true, port: 0, generated_cert_dir: join(dir, name) });
    const first = await startHerald(configIn(dir, { store: { backend: 'postgres', postgres: { url: db.url } }, rest: rest('tls1'), apns: { key_file: join(dir, 'apns.p8') } }));
    // The second on the first's APNS simulator (its config points there), with the same key: the
    // instances share its provider token through PostgreSQL.
    const second = await Herald.start({ config: { ...first.herald.config, rest: { ...first.herald.config.rest, generated_cert_dir: join(dir, 'tls2') } } });
    const pool = await openPostgres(postgresOptions(db.url));
    const post = (herald: Herald, token: string, key: string): Promise<KeyedAnswer> =>
      keyedPost(herald.rest!.url, readFileSync(join(herald.config.rest.generated_cert_dir, 'cert.pem'), 'utf8'), `/v3/notification/${token}`, PUSH, { 'idempotency-key': key });
    return {
      first: first.herald,
      second,
      apns: first.apns!,
      keys: new PostgresIdempotencyKeys(pool),
      post,
      async close() {
        await second.close();
        await first.close();
        await pool.close();
        await db.close();
        cleanup(dir);
      },
    };
  });

  test('a retry at the other instance gets the first answer again, and the device one push', async () => {
    const token = device();
    assert.equal((await d.post(d.first, token, 'failover-retry')).status, 200);
    const retry = await d.post(d.second, token, 'failover-retry');
    assert.deepEqual([retry.status, retry.body, retry.headers['idempotent-replayed']], [200, 'null', 'true']);
    assert.equal(pushesTo(d.apns, token), 1);
  });

  test('the same request at both instances at once: one pushes, the other is answered 409', async () => {
    const token = device();
    d.apns.program(token, { delayMs: 300, times: 1 });
    const answers = await Promise.all([d.post(d.first, token, 'both-at-once'), d.post(d.second, token, 'both-at-once')]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
    assert.equal(pushesTo(d.apns, token), 1);
  });

  test('a key claimed by an instance that died before recording an answer: 409 during its lease, then 500 outcome_unknown, and never a push', async () => {
    const token = device();
    // What an instance killed between its claim and its record leaves: a claim with no answer.
    const body = Buffer.from(JSON.stringify(PUSH));
    const claimed = await d.keys.claim('died-mid-push', requestFingerprint('v3', token, body, body.length), 'a-dead-instance', 1_000);
    assert.equal(claimed.kind, 'claimed');
    assert.deepEqual(await d.post(d.first, token, 'died-mid-push').then((a) => [a.status, a.body]), [409, '{"reason":"idempotency_key_in_flight"}']);
    let last: KeyedAnswer | undefined;
    await eventually(async () => (last = await d.post(d.second, token, 'died-mid-push')).status !== 409, 'the lease to run out', 10_000, 100);
    assert.deepEqual([last!.status, last!.body], [500, '{"reason":"outcome_unknown"}']);
    assert.deepEqual(await d.post(d.first, token, 'died-mid-push').then((a) => [a.status, a.body]), [500, '{"reason":"outcome_unknown"}']);
    assert.equal(pushesTo(d.apns, token), 0);
  });

  test('keys older than the retention are swept by the database clock; a younger one stays', async () => {
    const token = device();
    assert.equal((await d.post(d.first, token, 'to-be-swept')).status, 200);
    await eventually(async () => (await d.keys.sweep(1)) > 0, 'the sweep to remove the key', 5_000, 20);
    const again = await d.post(d.second, token, 'to-be-swept');
    assert.deepEqual([again.status, again.headers['idempotent-replayed']], [200, undefined], 'a swept key is new again');
    assert.equal(await d.keys.sweep(86_400_000), 0);
    assert.equal(pushesTo(d.apns, token), 2);
  });
});
