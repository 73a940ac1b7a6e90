/**
 * Push 2.0 on worker-thread shards: a notification reaches the device of its node on whichever
 * shard owns the node, straight there when the main thread reads its `<client/>`, forwarded by
 * the shard it landed on when not; refusals keep their condition across the forwarding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import xml, { type Element } from '@xmpp/xml';
import { shardOf } from '../../src/shards/shard-of.js';
import { routingJid } from '../../src/shards/routing-key.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { cleanup, configIn, tempDir } from '../e2e/harness.js';
import { startShards, type RunningShards } from './harness.js';

const SHARDS = 2;
const PAYLOAD = Buffer.alloc(150, 7).toString('base64');

let ids = 0;
async function register(running: RunningShards, device: string): Promise<{ node: string; client: string; token: string }> {
  const id = `r${++ids}`;
  const token = device.padStart(64, '0');
  const fields = Object.entries({ token, 'device-id': device }).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v)));
  const iq = xml('iq', { type: 'set', id, from: 'alice@localhost/phone', to: 'push.localhost' },
    xml('command', { xmlns: 'http://jabber.org/protocol/commands', node: 'register-push-apns', action: 'execute' }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...fields)));
  await running.herald.handleStanza(iq);
  const form = (await running.reply(id)).getChild('command')?.getChild('x');
  const value = (name: string) => form?.getChildren('field').find((f) => f.attrs.var === name)?.getChildText('value') ?? '';
  return { node: value('node'), client: value('client'), token };
}

/** A notification whose `<client/>` lies beyond what the main thread scans (a long element before it). */
function notification(id: string, client: string, padded: boolean): Element {
  const pad = padded ? [xml('padding', { xmlns: 'urn:example:pad' }, 'x'.repeat(3_000))] : [];
  return xml('message', { to: 'push.localhost', from: 'localhost', id }, ...pad,
    xml('notification', { xmlns: 'urn:xmpp:push2:0' }, xml('client', {}, client), xml('priority', {}, 'high'),
      xml('encrypted', { xmlns: 'urn:xmpp:sce:rfc8291:0' }, xml('payload', {}, PAYLOAD))));
}

test("a Push 2.0 notification reaches its node's shard, routed there or forwarded by another shard, and a refusal comes back from it", async () => {
  const dir = tempDir();
  const running = await startShards(configIn(dir), SHARDS);
  try {
    const landing = shardOf(routingJid('push.localhost'), SHARDS);
    // A registered device whose node another shard owns than the one an unread message lands on.
    let reg: Awaited<ReturnType<typeof register>>;
    for (let i = 0; ; i++) {
      reg = await register(running, `d${i}`);
      if (shardOf(reg.node, SHARDS) !== landing) break;
    }
    await running.herald.handleStanza(notification('n1', reg.client, false).toString());
    await running.herald.handleStanza(notification('n2', reg.client, true).toString());
    const pushes = await running.apns!.waitForReceived(2, 10_000);
    for (const push of pushes) {
      assert.equal(push.token, reg.token);
      assert.equal((push.payload as Record<string, unknown>)['push2-payload'], PAYLOAD);
    }
    await running.herald.handleStanza(notification('n3', `${reg.node}.wrong`, true).toString());
    const refused = await running.reply('n3');
    assert.equal(refused.attrs.type, 'error');
    assert.equal(StanzaError.fromStanza(refused).condition, 'item-not-found');
    assert.deepEqual(running.repliesTo('n1').concat(running.repliesTo('n2')), [], 'delivered: no answer');
  } finally {
    await running.close();
    cleanup(dir);
  }
});
