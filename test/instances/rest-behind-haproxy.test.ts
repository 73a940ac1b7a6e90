/**
 * Issue 11: the REST push service is stateless, so several Herald processes serve it behind any
 * HTTP load balancer. Two `herald start` processes (each its own LMDB folder: the REST service
 * shares nothing) push to one APNS simulator behind a real HAProxy (test/support/haproxy-server.ts);
 * one is killed with SIGKILL while requests are in flight.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import { generateLocalhostPair } from '../../src/core/tls.js';
import { eventually } from '../support/eventually.js';
import { startHaproxy, type HaproxyServer } from '../support/haproxy-server.js';
import { startHeraldProcess, type HeraldChild } from '../support/herald-process.js';
import { tomlString, writeHeraldToml } from '../support/herald-toml.js';
import { startKeyedApnsSimulator } from '../support/keyed-apns-simulator.js';
import { restRequest, type RestAnswer } from '../support/rest-request.js';
import { assertRestVerdict, pem, restLoad, servedBy, token, type Answered } from './rest-load.js';
import { tempFiles } from '../support/temp-files.js';

/** Notifications sent under load, each to its own device. */
const REQUESTS = 1_500;
/** Requests in flight at once through HAProxy (under its and Herald's 100 streams per connection). */
const CONCURRENCY = 48;
/** The kill comes once this many have been answered (and both instances have answered some). */
const KILL_AFTER_ANSWERS = 400;
/** A request still unanswered after this long is a hang (HAProxy's own `timeout server` is 20 s). */
const HANG_MS = 30_000;
const PUSH = { service: 'apns', mode: 'prod', alert: { title: 'romeo', body: 'hello' } };

test('with one of two instances behind HAProxy killed mid-load, every 200 is pushed exactly once, no device gets a push twice, every Herald error pushed nothing, only requests in flight at the kill are cut off, and the survivor serves new requests', { timeout: 180_000 }, async (t) => {
  const files = tempFiles('herald-instances-');
  // A key each: Apple (and the simulator) refuse a second token of one key within 20 minutes.
  const apns = await startKeyedApnsSimulator(2);
  const heralds: HeraldChild[] = [];
  let haproxy: HaproxyServer | undefined;
  let session: http2.ClientHttp2Session | undefined;
  t.after(async () => {
    session?.destroy(); // HAProxy's soft stop waits for its clients to leave
    await haproxy?.stop();
    await Promise.all(heralds.map((h) => h.stop()));
    await apns.sim.close();
  });
  // One certificate for both instances and the frontend, as an operator would deploy one name.
  const pair = await generateLocalhostPair();
  const certFile = files.file('cert.pem', pem(pair.cert));
  const keyFile = files.file('key.pem', pem(pair.key));
  for (const key of apns.keys) {
    const own = mkdtempSync(join(files.dir, `${key.keyId}-`));
    heralds.push(await startHeraldProcess(writeHeraldToml(own, apns.sim, key, { shards: 0, rest: { cert_file: tomlString(certFile), key_file: tomlString(keyFile) } })));
  }
  const [victim, survivor] = heralds as [HeraldChild, HeraldChild];
  haproxy = await startHaproxy({
    pemFile: files.file('frontend.pem', pem(pair.cert) + pem(pair.key)),
    caFile: certFile,
    instances: heralds.map((h) => `127.0.0.1:${h.port}`),
  });
  const proxy = haproxy;
  const client = (session = http2.connect(proxy.url, { ca: pair.cert }));
  client.on('error', () => {}); // each request reports its own failure
  const post = (token: string) => restRequest(client, 'POST', `/v3/notification/${token}`, PUSH, HANG_MS);
  const served = () => servedBy(proxy.log());
  const context = () => `HAProxy's log:\n${proxy.log().slice(-4_000)}`;
  let warm: RestAnswer[] = [];
  let warmed = 0;
  await eventually(
    async () => (warm = await Promise.all([0, 1].map(() => post(token('warm', warmed++))))).every((a) => a.status === 200),
    'both instances up behind HAProxy',
    20_000,
    100,
  ).catch((e: Error) => assert.fail(`${e.message}; last answers ${JSON.stringify(warm)}\n${context()}`));

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
  const verdict = assertRestVerdict(answers, apns.sim.received.map((r) => r.token), CONCURRENCY, context);
  t.diagnostic(`${verdict}; served before the kill: ${JSON.stringify([...servedBeforeKill])}`);
});
