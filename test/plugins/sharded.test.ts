/**
 * A sharded engine: every shard worker imports the plugins.modules itself, so a plugin decides
 * the pushes of the users on any shard, and a shard's plugin failures reach /metrics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chat, cleanup, configIn, createNodeIq, enableIq, tempDir } from '../e2e/harness.js';
import { openRestSession, sampleValue } from '../e2e/rest-session.js';
import { namesOn, startShards, type RunningShards } from '../shards/harness.js';
import { examplePath, fixturePath } from './harness.js';

const SHARDS = 2;

test('groupchat-mention, named by path, filters the pushes of users on every shard', async () => {
  const dir = tempDir();
  const { herald, reply, apns, close } = await startShards(configIn(dir, { plugins: { modules: [examplePath('groupchat-mention')] } }), SHARDS);
  try {
    const users = [0, 1].map((shard) => namesOn(shard, SHARDS, 1, (i) => `user${i}@localhost`)[0]!);
    for (const [i, user] of users.entries()) await registerDevice({ herald, reply }, user, `node-${i}`, String(i).repeat(64));
    // Per user, in order: a room message for nobody, one for the user, then a chat (always pushed):
    // once the chats arrive, each user's room messages were decided.
    for (const user of users) {
      const local = user.split('@')[0]!;
      herald.messageToUser(chat('room@conference.localhost/romeo', user, 'nobody in particular').attr('type', 'groupchat'));
      herald.messageToUser(chat('room@conference.localhost/romeo', user, `${local}: you in particular`).attr('type', 'groupchat'));
      herald.messageToUser(chat('bob@localhost/x', user, `${local}: direct`));
    }
    const pushes = await apns!.waitForReceived(4, 10_000);
    const bodies = pushes.map((p) => (p.payload as { aps: { alert: { body: string } } }).aps.alert.body).sort();
    assert.deepEqual(bodies, users.flatMap((u) => [`${u.split('@')[0]}: direct`, `${u.split('@')[0]}: you in particular`]).sort());
  } finally {
    await close();
    cleanup(dir);
  }
});

test("a shard's plugin failures are counted in /metrics with its shard label, and the push goes out as the default", async () => {
  const dir = tempDir();
  const rest = { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') };
  const running = await startShards(configIn(dir, { rest, plugins: { modules: [fixturePath('throws')] } }), SHARDS);
  try {
    const [user] = namesOn(1, SHARDS, 1, (i) => `failing${i}@localhost`);
    await registerDevice(running, user!, 'failing-node', 'f'.repeat(64));
    running.herald.messageToUser(chat('bob@localhost/x', user!, 'still pushed'));
    const [push] = await running.apns!.waitForReceived(1, 10_000);
    assert.equal((push!.payload as { aps: { alert: { body: string } } }).aps.alert.body, 'still pushed');
    const session = openRestSession(running.herald.rest!.url, readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));
    try {
      const metrics = (await session.request('GET', '/metrics')).body;
      assert.equal(sampleValue(metrics, 'herald_plugin_failures_total{plugin="throws",hook="prepare",kind="threw",shard="1"}'), 1);
      assert.equal(sampleValue(metrics, 'herald_plugin_failures_total{plugin="throws",hook="prepare",kind="threw",shard="0"}'), undefined);
    } finally {
      session.close();
    }
  } finally {
    await running.close();
    cleanup(dir);
  }
});

async function registerDevice({ herald, reply }: Pick<RunningShards, 'herald' | 'reply'>, user: string, node: string, token: string): Promise<void> {
  for (const iq of [createNodeIq(`${user}/phone`, node), enableIq(`${user}/phone`, node, { service: 'apns', device_id: token })]) {
    await herald.handleStanza(iq);
    assert.equal((await reply(iq.attrs.id as string)).attrs.type, 'result');
  }
}
