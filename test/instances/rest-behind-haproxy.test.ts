/**
 * Issue 11: several Herald processes serve the REST push service behind any HTTP load balancer.
 * Two `herald start` processes on one PostgreSQL (where the Idempotency-Keys of their requests
 * are claimed) push to one APNS simulator behind a real HAProxy (test/support/haproxy-server.ts);
 * one is killed with SIGKILL while requests are in flight, and the client sends the requests the
 * kill cut off again with their keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../support/eventually.js';
import { postgresDatabase } from '../support/postgres-server.js';
import type { HeraldChild } from '../support/herald-process.js';
import { startDeployment } from './deployment.js';
import { assertRestVerdict, deliveries, DEPLOYMENT_IDEMPOTENCY, outcome, restLoad, token, type Answered } from './rest-load.js';

/** Notifications sent under load, each to its own device. */
const REQUESTS = 1_500;
/** Requests in flight at once through HAProxy (under its and Herald's 100 streams per connection). */
const CONCURRENCY = 48;
/** The kill comes once this many have been answered (and both instances have answered some). */
const KILL_AFTER_ANSWERS = 400;
/**
 * ms the APNS simulator takes to answer a push it has taken (Apple's answers take tens of ms): the
 * requests in flight at the kill have mostly reached the provider already, the case a retry
 * without a shared key would push twice.
 */
const APNS_LATENCY_MS = 100;

test('with one of two instances behind HAProxy killed mid-load, every request ends with a Herald answer (those cut off sent again with their Idempotency-Key), every 200 is pushed exactly once, no device gets a push twice, every Herald error but outcome_unknown pushed nothing, only requests in flight at the kill are cut off, and the survivor serves new requests', { timeout: 180_000 }, async (t) => {
  const db = await postgresDatabase();
  t.after(() => db.close());
  // One PostgreSQL for the keys (and one provider key, its token shared there).
  const d = await startDeployment({ instances: 2, keys: 'shared', toml: { postgres: db.url, rest: { ...DEPLOYMENT_IDEMPOTENCY.rest }, apns: { ...DEPLOYMENT_IDEMPOTENCY.apns } } });
  t.after(() => d.close());
  const [victim, survivor] = d.heralds as [HeraldChild, HeraldChild];
  const { post, served, context, apns } = d;
  apns.sim.setLatency(APNS_LATENCY_MS);
  const answers = new Map<string, Answered>();
  let servedBeforeKill = new Map<string, number>();
  let killIssued = false;
  const killed = eventually(() => answers.size >= KILL_AFTER_ANSWERS && served().size === 2, 'both instances to have served under load', 60_000).then(async () => {
    servedBeforeKill = served();
    killIssued = true;
    await victim.kill9();
  });
  await restLoad(post, { requests: REQUESTS, concurrency: CONCURRENCY, killIssued: () => killIssued }, answers);
  await killed;
  let after = 0;
  await eventually(
    async () => (await Promise.all(Array.from({ length: 10 }, () => post(token('after', after++))))).every((a) => a.status === 200),
    'every new request served by the survivor',
    30_000,
    100,
  );

  assert.equal(survivor.child.exitCode, null, 'the survivor still runs');
  assert.ok((servedBeforeKill.get('herald1') ?? 0) > 0 && (servedBeforeKill.get('herald2') ?? 0) > 0, `both instances served before the kill: ${JSON.stringify([...servedBeforeKill])}`);
  const received = apns.sim.received.map((r) => r.token);
  const verdict = assertRestVerdict(answers, received, CONCURRENCY, context);
  // The case the keys are for came up: the kill cut off requests the victim had pushed already,
  // and their retries were answered without a second push (replayed, or outcome_unknown).
  const delivered = deliveries(received);
  const pushedByTheVictim = [...answers].filter(([device, a]) => a.cut && (a.replayed === true || (outcome(a) === 'outcome unknown' && delivered.has(device))));
  assert.ok(pushedByTheVictim.length > 0, `the kill cut off requests the victim had pushed: ${verdict}`);
  t.diagnostic(`${verdict}; served before the kill: ${JSON.stringify([...servedBeforeKill])}`);
});
