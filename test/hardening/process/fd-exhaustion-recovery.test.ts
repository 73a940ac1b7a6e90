/**
 * `herald start` under a low open-file limit, its descriptors taken by idle connections to its
 * REST port while its APNS connections break: meanwhile it answers (REST: a clear 503; XMPP: a
 * `wait` error; never a hang), /healthcheck does not call the broken pool healthy and the log
 * says it is down; once the connections are released it recovers by itself — health passes, a
 * REST push and an XMPP publish are delivered again — without a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { createIq, publishIq } from '../../app-server/harness.js';
import { AcceptServer } from '../../component/accept-server.js';
import { sampleValue } from '../../e2e/rest-session.js';
import { ANSWER_DEADLINE_MS, launchHerald, type HeraldProcess } from './cli-process.js';
import { Flood } from './fd-flood.js';
import { deviceToken } from './harness.js';
import { eventually } from '../../support/eventually.js';

/**
 * Open files allowed to Herald: its own need plus room for the flood to take. Its need peaks at
 * start, not in service: Node's ESM loader reads the files of a module graph in parallel, so the
 * peak grows with the number of modules (160 stopped sufficing when Push 2.0 added ~25), as in
 * shard-death-out-of-fds.test.ts.
 */
const NOFILE = 220;

const PUSH = { service: 'apns', mode: 'prod', alert: { title: 'romeo', body: 'hello' } };
const SECRET = 'component-secret';

/** Sends an IQ on the component stream and resolves with Herald's answer (or undefined: none in time). */
async function ask(server: AcceptServer, iq: string): Promise<Element | undefined> {
  const id = /id='([^']+)'/.exec(iq)![1]!;
  const answer = server.next('stanza', (el) => el.attrs.id === id).then(([el]) => el);
  server.write(iq);
  return Promise.race([answer, new Promise<undefined>((r) => setTimeout(r, ANSWER_DEADLINE_MS))]);
}

let publishes = 0;
/** An XMPP publish from alice's server to her push node, for the APNS device `token`. */
function publish(token: string): string {
  return publishIq('n1', { service: 'apns', device_id: token, topic: 'com.example.app' }).replace("id='p1'", `id='p${++publishes}'`);
}

interface Health {
  status: string;
  details: Record<string, Array<{ status: string; output: { connected: number; disconnected: number } }>>;
}

async function health(h: HeraldProcess): Promise<Health | undefined> {
  const answer = await h.request('GET', '/healthcheck');
  return typeof answer.status === 'number' ? (JSON.parse(answer.body) as Health) : undefined;
}

async function prodPool(h: HeraldProcess): Promise<string | undefined> {
  return (await health(h))?.details['pool:apns-prod']?.[0]?.status;
}

// shards: 0, the roles on the main thread; shards: 2, on two worker threads whose modules load
// while the process holds few descriptors (a shard that failed to load one exited the process
// with 70, HERALD_UNCAUGHT_EXCEPTION, before the spawner listened for its worker's 'error').
for (const shards of [0, 2]) {
  test(`shards: ${shards}: out of file descriptors with its APNS connections broken, Herald answers 503 or wait at once, health does not pass, and it recovers by itself once the connections go`, { timeout: 120_000 }, async () => {
    const xmpp = await AcceptServer.start('push.localhost', SECRET);
    try {
      await outOfDescriptors(xmpp, shards);
    } finally {
      await xmpp.close();
    }
  });
}

async function outOfDescriptors(xmpp: AcceptServer, shards: number): Promise<void> {
  const h = await launchHerald({
    component: { service: xmpp.service, password: SECRET },
    nofile: NOFILE,
    // A first reconnect wait (1–2 s) the flood outpaces even on a loaded machine, and longer than
    // a sender thread's stats interval (500 ms), so health sees the pool down: with 250–500 ms a
    // reconnect that won a freed descriptor could come before health ever saw it (failed once in
    // fresh-clone CI). The ceiling keeps recovery within the waits below. A push waits at most
    // 2 s for a reconnect (MongooseIM's own timeout).
    apns: { reconnect: '{ backoff_ms = 2000, max_ms = 8000 }', retry_after_max_ms: 2_000 },
    // The REST port's own caps keep a flood below the descriptor limit (test/hardening/rest);
    // lifted here so that the process does run out, to show that it recovers whatever the cause.
    rest: { max_connections: 100_000, max_connections_per_client: 100_000, reserved_file_descriptors: 1, tls_handshake_timeout_ms: 600_000 },
    shards,
  });
  const flood = new Flood(Number(new URL(h.url).port), () => h.openFds() >= NOFILE);
  try {
    await eventually(async () => (await prodPool(h)) === 'pass', 'apns-prod connected at start', 10_000);
    assert.equal((await h.request('POST', `/v3/notification/${deviceToken()}`, PUSH)).status, 200);
    await eventually(() => xmpp.handshakesAccepted > 0, 'the component link up', 10_000);
    assert.equal((await ask(xmpp, createIq('n1')))?.attrs.type, 'result', 'alice has a push node');
    assert.equal((await ask(xmpp, publish(deviceToken())))?.attrs.type, 'result');

    await flood.hold();
    // Every APNS connection breaks; a new one needs a descriptor Herald does not have.
    h.sim.faults.dropConnections();
    await eventually(async () => (await prodPool(h)) !== 'pass', 'health to stop passing apns-prod', 15_000);

    // While it cannot reach APNS, every push is answered, promptly and clearly.
    const during: Array<{ status: number | string; body: string }> = [];
    for (let i = 0; i < 5; i++) during.push(await h.request('POST', `/v3/notification/${deviceToken()}`, PUSH));
    for (const answer of during) {
      assert.notEqual(answer.status, 'no answer', 'a push is never left hanging');
      if (answer.status !== 200) {
        assert.equal(answer.status, 503, JSON.stringify(answer));
        assert.match(answer.body, /"reason":"(unable_to_connect|connection_lost)"/);
      }
    }
    assert.ok(during.some((a) => a.status === 503), `refused while down: ${JSON.stringify(during)}`);
    // XMPP: answered with an error of type wait, so the user's server keeps the registration.
    const refused = await ask(xmpp, publish(deviceToken()));
    assert.ok(refused !== undefined, 'the publish is answered');
    assert.equal(refused.attrs.type, 'error', refused.toString());
    assert.equal(refused.getChild('error')?.attrs.type, 'wait', refused.toString());
    // The log said so too, naming the pool.
    await eventually(() => h.log.some((l) => l.event === 'push.pool_down' && l.pool === 'apns-prod'), 'push.pool_down logged', 10_000);

    flood.release();
    await eventually(async () => (await prodPool(h)) === 'pass', 'apns-prod healthy again', 40_000, 200);
    const delivered = deviceToken();
    await eventually(async () => (await h.request('POST', `/v3/notification/${delivered}`, PUSH)).status === 200, 'a push delivered again', 20_000, 200);
    assert.equal(h.sim.attempts(delivered), 1);
    // A shard's APNS pool ends its own reconnect backoff, which may outlast the REST pool's: the
    // XMPP path recovers by itself too, each publish answered (wait while the pool reconnects).
    let published = deviceToken();
    let answer: Awaited<ReturnType<typeof ask>>;
    await eventually(async () => {
        published = deviceToken();
        answer = await ask(xmpp, publish(published));
        return answer?.attrs.type === 'result' || answer?.getChild('error')?.attrs.type !== 'wait';
      }, 'an XMPP publish answered result once the pools reconnect', 20_000, 200);
    assert.equal(answer!?.attrs.type, 'result', `an XMPP publish is delivered again: ${answer!?.toString()}`);
    assert.equal(h.sim.attempts(published), 1);

    const metrics = (await h.request('GET', '/metrics')).body;
    for (const thread of ['0', '1']) {
      assert.equal(sampleValue(metrics, `herald_sender_thread_up{service="apns",pool="apns-prod",thread="${thread}"}`), 1, `thread ${thread} up`);
    }
    assert.equal(h.child.exitCode, null, 'the same process, never restarted');
    await eventually(() => h.log.some((l) => l.event === 'push.pool_up' && l.pool === 'apns-prod'), 'push.pool_up logged', 10_000);
    assert.equal(h.log.filter((l) => l.event === 'process.uncaught_exception').length, 0);
  } finally {
    flood.release();
    await h.stop();
  }
}
