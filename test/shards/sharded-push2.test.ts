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
import { eventually } from '../support/eventually.js';

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

/** `<enable xmlns='urn:xmpp:push2:0'>` of `fullJid`'s session: one `important` match, notify-only. */
function push2EnableIq(id: string, fullJid: string, service: string, client: string): Element {
  const match = xml('match', { profile: 'urn:xmpp:push2:match:important' }, xml('send', { xmlns: 'urn:xmpp:push2:send:notify-only:0' }));
  return xml('iq', { type: 'set', id, from: fullJid }, xml('enable', { xmlns: 'urn:xmpp:push2:0' }, xml('service', {}, service), xml('client', {}, client), match));
}

const chatTo = (to: string, id: string) => xml('message', { type: 'chat', id, from: 'juliet@localhost/balcony', to }, xml('body', {}, 'hello'));

test('Push 2.0 from the user\u2019s shard: enabled there, a message pushes the device through the App Server; a remote push service\u2019s wait error returns to the shard that sent the notification', async () => {
  const dir = tempDir();
  const running = await startShards(configIn(dir, { xmpp_server: { push2: { answer_window_ms: 60_000, retry_backoff_ms: 1, retry_max_ms: 2 } } }), SHARDS);
  try {
    const reg = await register(running, 'e2');
    await running.herald.handleStanza(push2EnableIq('e1', 'alice@localhost/phone', 'push.localhost', reg.client));
    assert.equal((await running.reply('e1')).attrs.type, 'result');
    running.herald.messageToUser(chatTo('alice@localhost', 'm1'));
    const [push] = await running.apns!.waitForReceived(1, 10_000);
    assert.equal(push!.token, reg.token);

    // A user on every shard enables a remote push service, so some notification leaves a shard whose answer must come back to it.
    const users = [0, 1, 2, 3, 4, 5].map((i) => `user${i}@localhost`);
    for (const [i, user] of users.entries()) {
      await running.herald.handleStanza(push2EnableIq(`r-e${i}`, `${user}/phone`, 'push.elsewhere.example', `c${i}`));
      running.herald.messageToUser(chatTo(user, `r-m${i}`));
    }
    const sent = () => running.routed.filter((s) => s.name === 'message' && s.attrs.to === 'push.elsewhere.example');
    await eventually(() => sent().length === users.length, 'a notification per user');
    for (const notification of [...sent()]) {
      await running.herald.handleStanza(
        xml('message', { type: 'error', id: notification.attrs.id, from: 'push.elsewhere.example', to: 'localhost' }, xml('error', { type: 'wait' }, xml('resource-constraint', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))),
      );
    }
    await eventually(() => sent().length === 2 * users.length, 'each retried by the shard that sent it');
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test("what the host says of a message crosses to the user's shard: a mention of the room nick it names pushes", async () => {
  const dir = tempDir();
  const running = await startShards(configIn(dir), SHARDS);
  try {
    const reg = await register(running, 'f3');
    const room = 'verona@muc.localhost';
    const match = xml('match', { profile: 'urn:xmpp:push2:match:all' }, xml('filter', { jid: room }, xml('mention')), xml('send', { xmlns: 'urn:xmpp:push2:send:notify-only:0' }));
    const enable = xml('iq', { type: 'set', id: 'n-e1', from: 'bob@localhost/phone' }, xml('enable', { xmlns: 'urn:xmpp:push2:0' }, xml('service', {}, 'push.localhost'), xml('client', {}, reg.client), match));
    await running.herald.handleStanza(enable);
    assert.equal((await running.reply('n-e1')).attrs.type, 'result');
    const groupchat = (id: string, body: string) => xml('message', { type: 'groupchat', id, from: `${room}/tybalt`, to: 'bob@localhost' }, xml('body', {}, body));
    // Only the nick names Bob here: without it crossing, the local part "bob" is looked for and nothing is pushed.
    running.herald.messageToUser(groupchat('n-m1', 'where is Monty?'), { roomNick: 'Monty' });
    const [push] = await running.apns!.waitForReceived(1, 10_000);
    assert.equal(push!.token, reg.token);
  } finally {
    await running.close();
    cleanup(dir);
  }
});
