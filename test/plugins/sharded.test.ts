/**
 * A sharded engine: every shard worker imports the plugins.modules itself, so a plugin decides
 * the pushes of the users on any shard.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, cleanup, configIn, createNodeIq, enableIq, tempDir } from '../e2e/harness.js';
import { namesOn, startShards } from '../shards/harness.js';
import { examplePath } from './harness.js';

const SHARDS = 2;

test('groupchat-mention, named by path, filters the pushes of users on every shard', async () => {
  const dir = tempDir();
  const { herald, reply, apns, close } = await startShards(configIn(dir, { plugins: { modules: [examplePath('groupchat-mention')] } }), SHARDS);
  try {
    const users = [0, 1].map((shard) => namesOn(shard, SHARDS, 1, (i) => `user${i}@localhost`)[0]!);
    for (const [i, user] of users.entries()) {
      for (const iq of [createNodeIq(`${user}/phone`, `node-${i}`), enableIq(`${user}/phone`, `node-${i}`, { service: 'apns', device_id: String(i).repeat(64) })]) {
        await herald.handleStanza(iq);
        assert.equal((await reply(iq.attrs.id as string)).attrs.type, 'result');
      }
    }
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
