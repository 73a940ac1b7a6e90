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
/** What HAProxy's access log says of a request one instance answered (`option httplog`). */
const SERVED_BY = /herald_rest\/(herald\d) \S+ 200 /g;

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
  let next = 0;
  let servedBeforeKill = new Map<string, number>();
  let killIssued = false;
  const killed = eventually(() => answers.size >= KILL_AFTER_ANSWERS && served().size === 2, 'both instances to have served under load', 60_000).then(async () => {
    servedBeforeKill = served();
    killIssued = true;
    await victim.kill9();
  });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const device = token('load', next++);
        const answer = await post(device);
        answers.set(device, { ...answer, afterKill: killIssued });
      }
    }),
  );
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
  const delivered = deliveries(apns.sim.received.map((r) => r.token));
  const of = (kind: Outcome) => [...answers].filter(([, a]) => outcome(a) === kind);
  assert.deepEqual(of('no answer'), [], `every request got an answer\n${context()}`);
  assert.deepEqual([...delivered].filter(([, n]) => n > 1), [], 'no device got a push twice');
  assert.deepEqual(of('pushed').filter(([device]) => delivered.get(device) !== 1), [], 'every 200 was pushed exactly once');
  assert.deepEqual(of('refused by Herald').filter(([device]) => delivered.has(device)), [], "no request Herald answered with an error was pushed");
  // Requests on the killed instance's connections when it died: HAProxy cannot know whether they
  // were pushed (some were: the provider had answered, the instance had not yet), so it says
  // neither 200 nor a definite error. It must say so only for those, and never retry them.
  const cut = of('cut by the kill');
  assert.deepEqual(cut.filter(([, a]) => !a.afterKill), [], 'only the kill cuts requests off');
  assert.ok(cut.length <= CONCURRENCY, `at most the requests in flight at the kill were cut off: ${cut.length}`);
  t.diagnostic(
    `${of('pushed').length} answered 200, ${of('refused by Herald').length} refused by Herald, ${cut.length} cut by the kill ` +
      `(${cut.filter(([device]) => delivered.has(device)).length} of them pushed); served before the kill: ${JSON.stringify([...servedBeforeKill])}`,
  );
});

type Answered = RestAnswer & { afterKill: boolean };
type Outcome = 'pushed' | 'refused by Herald' | 'cut by the kill' | 'no answer';

/**
 * What an answer through HAProxy says. Herald's own errors carry a JSON reason (definite: not
 * pushed). HAProxy answers a request whose instance died under it with RST_STREAM REFUSED_STREAM
 * (its h2 frontend's "retry me" for a server that closed before answering; it does not log it)
 * or a 502/503/504 page: the outcome is unknown.
 */
function outcome(answer: RestAnswer): Outcome {
  if (answer.status === 200) return 'pushed';
  if (answer.status === 'stream error') return answer.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? 'cut by the kill' : 'no answer';
  if (answer.status === 'no answer') return 'no answer';
  if (isReason(answer.body)) return 'refused by Herald';
  return [502, 503, 504].includes(answer.status) ? 'cut by the kill' : 'no answer';
}

function isReason(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { reason?: unknown }).reason === 'string';
  } catch {
    return false;
  }
}

/** A distinct well-formed device token (64 hex digits) per phase and index. */
function token(phase: 'warm' | 'load' | 'after', i: number): string {
  const prefix = { warm: 'a', load: 'b', after: 'c' }[phase];
  return prefix + i.toString(16).padStart(63, '0');
}

/** How many 200s each instance answered, by HAProxy's access log. */
function servedBy(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, server] of log.matchAll(SERVED_BY)) counts.set(server!, (counts.get(server!) ?? 0) + 1);
  return counts;
}

function deliveries(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** PEM text as OpenSSL (HAProxy) reads it in a file: each block ends its line. */
function pem(text: string): string {
  return `${text.trimEnd()}\n`;
}
