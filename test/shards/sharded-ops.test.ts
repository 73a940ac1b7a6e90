/**
 * /healthcheck and /metrics of a sharded Herald show every shard: each pool's connections per
 * thread (the REST API's on the main thread, the XMPP roles' in each shard), each shard's live
 * actors and sends, and a shard that is down as failing (overall `warn`, herald_shard_up 0) until
 * it is back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/eventually.js';
import { cleanup, configIn, createNodeIq, tempDir } from '../e2e/harness.js';
import { openRestSession, sampleValue, type RestSession } from '../e2e/rest-session.js';
import { namesOn, publishIq, startShards } from './harness.js';

const SHARDS = 2;
const TOKEN = 'c'.repeat(64);

interface Check {
  componentId?: string;
  status: string;
  output: Record<string, unknown>;
}
interface Health {
  status: string;
  details: Record<string, Check[]>;
}

async function health(rest: RestSession): Promise<{ http: number; body: Health }> {
  const answer = await rest.request('GET', '/healthcheck');
  return { http: answer.status, body: JSON.parse(answer.body) as Health };
}

function restConfig(dir: string, extra: Record<string, unknown> = {}) {
  return configIn(dir, { rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') }, ...extra });
}

test('every pool has one health entry per thread and every shard reports its actors; a publish on shard 1 is counted on shard 1', async () => {
  const dir = tempDir();
  const { herald, reply, close } = await startShards(restConfig(dir), SHARDS);
  const rest = openRestSession(herald.rest!.url, readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));
  try {
    const [node] = namesOn(1, SHARDS, 1, (i) => `ops-node-${i}`);
    const create = createNodeIq('owner@localhost/r', node!);
    await herald.handleStanza(create);
    assert.equal((await reply(create.attrs.id as string)).attrs.type, 'result');
    await herald.handleStanza(publishIq('ops-publish', node!, TOKEN, 1));
    assert.equal((await reply('ops-publish')).attrs.type, 'result');

    await eventually(async () => (await health(rest)).body.details['pool:apns-prod']!.every((c) => c.status === 'pass'), 'every thread connected', 10_000);
    const { http, body } = await health(rest);
    assert.equal(http, 200);
    assert.equal(body.status, 'pass');
    assert.deepEqual(
      body.details['pool:apns-prod']!.map((c) => c.componentId),
      [undefined, 'shard-0', 'shard-1'],
      'the main thread (REST) and each shard',
    );
    assert.deepEqual(
      body.details.shard!.map((c) => [c.componentId, c.status, c.output.state]),
      [
        ['shard-0', 'pass', 'up'],
        ['shard-1', 'pass', 'up'],
      ],
    );
    assert.equal(body.details.shard![1]!.output.live_nodes, 1, 'the node is live on shard 1');

    const metrics = (await rest.request('GET', '/metrics')).body;
    assert.equal(sampleValue(metrics, 'herald_push_sent_total{service="apns",pool="apns-prod",shard="1"}'), 1);
    assert.equal(sampleValue(metrics, 'herald_push_sent_total{service="apns",pool="apns-prod",shard="0"}'), 0);
    assert.equal(sampleValue(metrics, 'herald_push_sent_total{service="apns",pool="apns-prod"}'), 0, 'the REST pool sent nothing');
    assert.ok(sampleValue(metrics, 'herald_push_connections{service="apns",pool="apns-prod",shard="0",state="connected"}')! >= 1);
    assert.equal(sampleValue(metrics, 'herald_live_actors{kind="node",shard="1"}'), 1);
    for (const shard of ['0', '1']) assert.equal(sampleValue(metrics, `herald_shard_up{shard="${shard}"}`), 1);
    assert.equal(sampleValue(metrics, 'herald_shard_exits_total{shard="0"}'), 0);
  } finally {
    rest.close();
    await close();
    cleanup(dir);
  }
});

test('a shard that is down fails its entries and warns overall, with herald_shard_up 0, until it is back', async () => {
  const dir = tempDir();
  const { herald, log, close } = await startShards(restConfig(dir, { shards: { restart: { backoff_ms: 50, max_ms: 200 } } }), SHARDS);
  const rest = openRestSession(herald.rest!.url, readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));
  const store = join(dir, 'lmdb');
  try {
    await eventually(async () => (await health(rest)).body.status === 'pass', 'healthy at start', 10_000);
    // The store folder gone (a file in its place): the shard's replacement cannot open it and is retried.
    renameSync(store, `${store}.away`);
    writeFileSync(store, 'not a folder');
    const restarted = herald.restartShard(0);
    await eventually(() => log.some((l) => l.event === 'shard.restart_failed' && l.fields?.shard === 0), 'a failed restart', 10_000);

    const { http, body } = await health(rest);
    assert.equal(http, 200, 'the other shard and the REST pools still serve');
    assert.equal(body.status, 'warn');
    assert.deepEqual(body.details.shard!.map((c) => [c.componentId, c.status, c.output.state]), [
      ['shard-0', 'fail', 'down'],
      ['shard-1', 'pass', 'up'],
    ]);
    const down = body.details['pool:apns-prod']!.find((c) => c.componentId === 'shard-0')!;
    assert.equal(down.status, 'fail');
    assert.deepEqual(down.output, { connected: 0, disconnected: 1 }, "its connections as it last had them, none up");
    const metrics = (await rest.request('GET', '/metrics')).body;
    assert.equal(sampleValue(metrics, 'herald_shard_up{shard="0"}'), 0);
    assert.equal(sampleValue(metrics, 'herald_shard_up{shard="1"}'), 1);
    assert.equal(sampleValue(metrics, 'herald_shard_exits_total{shard="0"}'), 1);
    assert.equal(sampleValue(metrics, 'herald_push_sent_total{service="apns",pool="apns-prod",shard="0"}'), undefined, 'no figures from a dead shard');

    rmSync(store);
    renameSync(`${store}.away`, store);
    await restarted;
    await eventually(async () => (await health(rest)).body.status === 'pass', 'healthy again', 10_000);
  } finally {
    rest.close();
    await close();
    cleanup(dir);
  }
});
