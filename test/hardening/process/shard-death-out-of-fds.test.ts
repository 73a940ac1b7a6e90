/**
 * `herald start` with shards, out of file descriptors when a shard dies: its replacement cannot
 * load its modules (EMFILE) and is retried with backoff — the process never exits for it (it
 * used to exit 70, HERALD_UNCAUGHT_EXCEPTION: the failed worker's 'error' had no listener) —
 * /healthcheck shows the shard down meanwhile, and once descriptors are free again the shard is
 * back and serves its users.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Element } from '@xmpp/xml';
import { createIq } from '../../app-server/harness.js';
import { AcceptServer } from '../../component/accept-server.js';
import { namesOn } from '../../shards/harness.js';
import { ANSWER_DEADLINE_MS, launchHerald, type HeraldProcess } from './cli-process.js';
import { Flood } from './fd-flood.js';
import { eventually } from '../../support/eventually.js';

/**
 * Open files allowed to Herald: its own need with two shards (~55), what a shard worker's start
 * opens at once (its modules are read in parallel: with the Web Push sender's, 160 left a
 * released process short of them, every restart failing EMFILE), plus room for the flood.
 */
const NOFILE = 220;
const SECRET = 'component-secret';
const INJECTOR = new URL('./shard-fault.js', import.meta.url).href;

interface ShardCheck {
  componentId: string;
  status: string;
  output: { state: string };
}

async function shardChecks(h: HeraldProcess): Promise<ShardCheck[] | undefined> {
  const answer = await h.request('GET', '/healthcheck');
  if (typeof answer.status !== 'number') return undefined;
  return (JSON.parse(answer.body) as { details: { shard?: ShardCheck[] } }).details.shard;
}

function logged(h: HeraldProcess, event: string, shard: number): boolean {
  return h.log.some((l) => l.event === event && l.shard === shard);
}

test('a shard that dies while the process is out of descriptors is restarted with backoff once they are back; the process never exits', { timeout: 120_000 }, async () => {
  const xmpp = await AcceptServer.start('push.localhost', SECRET);
  let h: HeraldProcess | undefined;
  let flood: Flood | undefined;
  try {
    const launched = await launchHerald({
      component: { service: xmpp.service, password: SECRET },
      nofile: NOFILE,
      shards: 2,
      shardKeys: { restart: '{ backoff_ms = 200, max_ms = 1000 }' },
      rest: { max_connections: 100_000, max_connections_per_client: 100_000, reserved_file_descriptors: 1, tls_handshake_timeout_ms: 600_000 },
      nodeArgs: ['--import', INJECTOR],
      env: { HERALD_TEST_SHARD_FAULT: join(process.env.TMPDIR ?? '/tmp', `herald-shard-fault-${process.pid}`) },
    });
    h = launched;
    const trigger = join(process.env.TMPDIR ?? '/tmp', `herald-shard-fault-${process.pid}`);
    await eventually(() => xmpp.handshakesAccepted > 0, 'the component link up', 10_000);
    await eventually(async () => (await shardChecks(launched))?.every((c) => c.status === 'pass') === true, 'both shards up', 10_000);

    flood = new Flood(Number(new URL(launched.url).port), () => launched.openFds() >= NOFILE);
    await flood.hold();
    writeFileSync(trigger, 'die');
    await eventually(() => logged(launched, 'shard.died', 0), 'shard 0 died', 15_000);
    await eventually(() => logged(launched, 'shard.restart_failed', 0), 'its restart failed for want of descriptors', 15_000);
    const failed = launched.log.find((l) => l.event === 'shard.restart_failed' && l.shard === 0)!;
    assert.match(JSON.stringify(failed.error), /EMFILE|ERR_WORKER_INIT_FAILED|too many open files/i, JSON.stringify(failed));
    const down = await shardChecks(launched);
    assert.deepEqual(
      down?.map((c) => [c.componentId, c.status, c.output.state]),
      [
        ['shard-0', 'fail', 'down'],
        ['shard-1', 'pass', 'up'],
      ],
    );
    assert.equal(launched.child.exitCode, null, 'still running while the shard cannot start');

    flood.release();
    await eventually(() => logged(launched, 'shard.restarted', 0), 'shard 0 restarted', 30_000, 100);
    await eventually(async () => (await shardChecks(launched))?.every((c) => c.status === 'pass') === true, 'both shards up again', 10_000);
    // Shard 0 serves again: a node it owns is created.
    const [node] = namesOn(0, 2, 1, (i) => `after-restart-${i}`);
    const create = createIq(node!);
    const id = /id='([^']+)'/.exec(create)![1]!;
    let reply: Element | undefined;
    void xmpp.next('stanza', (el: Element) => el.attrs.id === id).then(([el]) => (reply = el));
    xmpp.write(create);
    await eventually(() => reply !== undefined, 'the create answered', ANSWER_DEADLINE_MS);
    assert.equal(reply?.attrs.type, 'result', reply?.toString());
    assert.equal(launched.child.exitCode, null, 'the same process, never restarted');
    assert.equal(launched.log.filter((l) => l.event === 'process.uncaught_exception').length, 0);
  } finally {
    flood?.release();
    await h?.stop();
    await xmpp.close();
  }
});
