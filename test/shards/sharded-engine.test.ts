/**
 * The roles on worker-thread shards behave as on one thread: a user's stanzas and a push node's
 * requests keep their order though they land on different shards, every IQ request gets exactly
 * one reply, pushes cross from a user's shard to its node's shard, answers to Herald's own
 * publishes find the shard that sent them, and failures keep their codes across threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeraldError, isHeraldError } from '../../src/core/errors.js';
import { shardOf } from '../../src/shards/shard-of.js';
import { InboundStream } from '../../src/xmpp/inbound-stream.js';
import { XmlViolation } from '../../src/xmpp/xml-violation.js';
import { chat, cleanup, configIn, createNodeIq, enableIq, tempDir } from '../e2e/harness.js';
import { eventually } from '../support/eventually.js';
import { deleteIq, disableIq, namesOn, publishIq, startShards, userShard } from './harness.js';

const SHARDS = 2;
const token = (i: number, generation = 0) => `${generation}${i.toString(16).padStart(63, '0')}`;

test('a user on one shard is pushed through a push node on the other, and each IQ is answered once', async () => {
  const dir = tempDir();
  const { herald, reply, repliesTo, apns, close } = await startShards(configIn(dir), SHARDS);
  try {
    const [user] = namesOn(0, SHARDS, 1, (i) => `alice${i}@localhost`);
    const [node] = namesOn(1, SHARDS, 1, (i) => `node-${i}`);
    assert.notEqual(userShard(user!, SHARDS), shardOf(node!, SHARDS), 'user and node on different shards');
    const create = createNodeIq(`${user}/phone`, node!);
    await herald.handleStanza(create);
    assert.equal((await reply(create.attrs.id as string)).attrs.type, 'result');
    const enable = enableIq(`${user}/phone`, node!, { service: 'apns', device_id: token(1), topic: 'com.example.chat' });
    await herald.handleStanza(enable);
    assert.equal((await reply(enable.attrs.id as string)).attrs.type, 'result');

    herald.messageToUser(chat('bob@localhost/x', user!, 'across shards'));
    const [push] = await apns!.waitForReceived(1, 10_000);
    assert.equal(push!.token, token(1));
    assert.equal((push!.payload as { aps: { alert: { body: string } } }).aps.alert.body, 'across shards');
    assert.equal(repliesTo(create.attrs.id as string).length, 1);
    assert.equal(repliesTo(enable.attrs.id as string).length, 1);
  } finally {
    await close();
    cleanup(dir);
  }
});

test("each user's stanzas keep their order across shards (enable, message, disable, message, enable, message)", async () => {
  const dir = tempDir();
  const { herald, reply, apns, close } = await startShards(configIn(dir), SHARDS);
  try {
    const users = Array.from({ length: 40 }, (_, i) => `user${i}@localhost`);
    assert.ok(new Set(users.map((u) => userShard(u, SHARDS))).size === SHARDS, 'the users span every shard');
    const nodes = users.map((_, i) => `n${i}`);
    for (const [i, node] of nodes.entries()) {
      const create = createNodeIq(`${users[i]}/phone`, node);
      await herald.handleStanza(create);
      assert.equal((await reply(create.attrs.id as string)).attrs.type, 'result');
    }
    // Nothing awaited: each user's six stanzas are only ordered by the engine.
    const ids: string[] = [];
    for (const [i, user] of users.entries()) {
      const first = enableIq(`${user}/phone`, nodes[i]!, { service: 'apns', device_id: token(i, 0) });
      const off = disableIq(`d${i}`, `${user}/phone`, nodes[i]!);
      const again = enableIq(`${user}/phone`, nodes[i]!, { service: 'apns', device_id: token(i, 1) });
      ids.push(first.attrs.id as string, off.attrs.id as string, again.attrs.id as string);
      void herald.handleStanza(first);
      herald.messageToUser(chat('bob@localhost/x', user, 'one'));
      void herald.handleStanza(off);
      herald.messageToUser(chat('bob@localhost/x', user, 'none'));
      void herald.handleStanza(again);
      herald.messageToUser(chat('bob@localhost/x', user, 'two'));
    }
    for (const id of ids) assert.equal((await reply(id)).attrs.type, 'result', id);
    const sim = apns!;
    const pushes = await sim.waitForReceived(2 * users.length, 15_000);
    for (const [i] of users.entries()) {
      const mine = pushes.filter((p) => p.token === token(i, 0) || p.token === token(i, 1));
      const bodies = mine.map((p) => `${p.token[0]}:${(p.payload as { aps: { alert: { body: string } } }).aps.alert.body}`).sort();
      assert.deepEqual(bodies, ['0:one', '1:two'], `user ${i}: first device gets "one", second "two", nobody "none"`);
    }
  } finally {
    await close();
    cleanup(dir);
  }
});

test("a push node's requests keep their order across shards (create, publish, delete, publish, create, publish)", async () => {
  const dir = tempDir();
  const { herald, reply, close } = await startShards(configIn(dir), SHARDS);
  try {
    const nodes = Array.from({ length: 20 }, (_, i) => `ordered-${i}`);
    assert.ok(new Set(nodes.map((n) => shardOf(n, SHARDS))).size === SHARDS, 'the nodes span every shard');
    const expected: Array<[id: string, type: string, condition?: string]> = [];
    for (const [i, node] of nodes.entries()) {
      const owner = `owner${i}@localhost/r`;
      const steps = [
        [createNodeIq(owner, node), 'result'],
        [publishIq(`p1-${i}`, node, token(i), 1), 'result'],
        [deleteIq(`del-${i}`, owner, node), 'result'],
        [publishIq(`p2-${i}`, node, token(i), 2), 'error', 'item-not-found'],
        [createNodeIq(owner, node), 'result'],
        [publishIq(`p3-${i}`, node, token(i), 3), 'result'],
      ] as const;
      for (const [stanza, type, condition] of steps) {
        expected.push([stanza.attrs.id as string, type, condition]);
        void herald.handleStanza(stanza);
      }
    }
    for (const [id, type, condition] of expected) {
      const answer = await reply(id);
      assert.equal(answer.attrs.type, type, id);
      if (condition) assert.ok(answer.getChild('error')?.getChild(condition), `${id}: ${condition}`);
    }
  } finally {
    await close();
    cleanup(dir);
  }
});

test("the answer to a publish sent to a remote App Server reaches the user's shard", async () => {
  const dir = tempDir();
  const { herald, routed, log, close } = await startShards(configIn(dir), SHARDS);
  try {
    const users = [...namesOn(0, SHARDS, 1, (i) => `r${i}@localhost`), ...namesOn(1, SHARDS, 1, (i) => `r${i}@localhost`)];
    for (const [i, user] of users.entries()) {
      const enable = enableIq(`${user}/phone`, `remote-node-${i}`, { service: 'apns', device_id: token(i) });
      enable.getChild('enable')!.attrs.jid = 'push.remote.example';
      await herald.handleStanza(enable);
      herald.messageToUser(chat('bob@localhost/x', user, 'hello'));
    }
    await eventually(() => routed.filter((s) => s.attrs.to === 'push.remote.example').length === users.length, 'both publishes routed', 10_000);
    for (const publish of routed.filter((s) => s.attrs.to === 'push.remote.example')) {
      // A wait error keeps the registration and is logged with the condition it carried (a lost answer would time out instead).
      await herald.handleStanza(
        `<iq type='error' id='${publish.attrs.id}' from='push.remote.example' to='localhost'><error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
    }
    const answered = () => log.filter((l) => l.event === 'xmpp_server.publish_failed' && l.fields?.error === 'wait/resource-constraint');
    await eventually(() => answered().length === users.length, 'each user actor got its answer', 10_000);
    assert.deepEqual(answered().map((l) => l.fields?.user).sort(), [...users].sort());
  } finally {
    await close();
    cleanup(dir);
  }
});

test('failures keep their codes across threads: malformed XML, a stanza over the limit, a closed engine', async () => {
  const dir = tempDir();
  const { herald, reply, close } = await startShards(configIn(dir, { xmpp: { max_stanza_bytes: 4_096 } }), SHARDS);
  try {
    await assert.rejects(herald.handleStanza("<iq type='set' id='bad' from='a@localhost/r' to='a@localhost'><enable></iq>"), (e: unknown) => {
      assert.ok(e instanceof XmlViolation, 'an XmlViolation');
      assert.equal(e.condition, 'not-well-formed');
      return true;
    });
    const big = `<iq type='set' id='big' from='a@localhost/r' to='push.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='${'x'.repeat(5_000)}'/></pubsub></iq>`;
    await herald.handleStanza(big);
    const refused = await reply('big');
    assert.equal(refused.attrs.type, 'error');
    assert.ok(refused.getChild('error')?.getChild('policy-violation'), 'policy-violation');
  } finally {
    await close();
    cleanup(dir);
  }
  await assert.rejects(herald.handleStanza(chat('a@localhost/r', 'b@localhost', 'late')), (e: unknown) => e instanceof HeraldError && e.code === 'HERALD_SHUTTING_DOWN');
});

test('a shard that stops is started again: its users and nodes are served again, across shards too', async () => {
  const dir = tempDir();
  const { herald, reply, log, apns, close } = await startShards(configIn(dir), SHARDS);
  try {
    const [user] = namesOn(0, SHARDS, 1, (i) => `ursula${i}@localhost`);
    const [node] = namesOn(1, SHARDS, 1, (i) => `restart-node-${i}`);
    const create = createNodeIq(`${user}/phone`, node!);
    await herald.handleStanza(create);
    assert.equal((await reply(create.attrs.id as string)).attrs.type, 'result');
    const enable = enableIq(`${user}/phone`, node!, { service: 'apns', device_id: token(7) });
    await herald.handleStanza(enable);
    assert.equal((await reply(enable.attrs.id as string)).attrs.type, 'result');

    for (const index of [1, 0]) {
      await herald.restartShard(index);
      assert.ok(log.some((l) => l.event === 'shard.restarted' && l.fields?.shard === index), `shard ${index} restarted`);
    }
    // The node's shard (1) and the user's shard (0) are both new: the user's push crosses the new channel.
    herald.messageToUser(chat('bob@localhost/x', user!, 'after the restarts'));
    const [push] = await apns!.waitForReceived(1, 10_000);
    assert.equal(push!.token, token(7));
    const publish = publishIq('after-restart', node!, token(7), 2);
    await herald.handleStanza(publish);
    assert.equal((await reply('after-restart')).attrs.type, 'result');
  } finally {
    await close();
    cleanup(dir);
  }
});

test('IQs in flight on a shard that dies are each answered exactly once', async () => {
  const dir = tempDir();
  const { herald, reply, repliesTo, close } = await startShards(configIn(dir), SHARDS);
  try {
    const nodes = namesOn(1, SHARDS, 20, (i) => `dying-${i}`);
    for (const node of nodes) {
      const create = createNodeIq(`owner@localhost/r`, node);
      await herald.handleStanza(create);
      assert.equal((await reply(create.attrs.id as string)).attrs.type, 'result');
    }
    const ids = Array.from({ length: 400 }, (_, i) => `inflight-${i}`);
    const settled = ids.map((id, i) => herald.handleStanza(publishIq(id, nodes[i % nodes.length]!, token(i), 1)).then(() => 'ok', (e: unknown) => (e as Error).message));
    await reply(ids[50]!); // the shard is at work on them when it dies
    await herald.restartShard(1);
    await Promise.all(settled);
    for (const id of ids) {
      await reply(id);
      assert.equal(repliesTo(id).length, 1, `${id} answered once`);
    }
  } finally {
    await close();
    cleanup(dir);
  }
});

test("a stream's stanza whose shard died before reading it is read on the main thread: its stream error still stops what followed (RFC 6120 §4.9)", async () => {
  const dir = tempDir();
  const { herald, reply, close } = await startShards(configIn(dir), SHARDS);
  try {
    const [dying] = namesOn(1, SHARDS, 1, (i) => `unread-${i}`);
    const [living] = namesOn(0, SHARDS, 1, (i) => `after-${i}`);
    for (const node of [dying!, living!]) {
      const create = createNodeIq('owner@localhost/r', node);
      await herald.handleStanza(create);
      assert.equal((await reply(create.attrs.id as string)).attrs.type, 'result');
    }
    // Each round: an undefined entity on the dying shard, then a good publish on the other, then
    // the first shard is stopped at once — most often before it read its stanza, so the main
    // thread reads it (before the fix, the good publish was then acted on). Either way the
    // refusal must stop the publish that followed it on the stream.
    for (let round = 0; round < 5; round++) {
      const stream = new InboundStream();
      const malformed = publishIq(`bad-${round}`, dying!, token(round), 1).toString().replace('var="message-count"', 'var="message-count" label="&undefined;"');
      assert.notEqual(malformed, publishIq(`bad-${round}`, dying!, token(round), 1).toString(), 'the entity went in');
      const bad = herald.handleText(malformed, stream).then(() => 'handled', (e: unknown) => e);
      const good = herald.handleText(publishIq(`good-${round}`, living!, token(round), 1).toString(), stream).then(() => 'handled', (e: unknown) => e);
      const restarted = herald.restartShard(1);
      const badOutcome = await bad;
      assert.ok(badOutcome instanceof XmlViolation, `round ${round}: the malformed stanza ends the stream (${String(badOutcome)})`);
      const goodOutcome = await good;
      assert.ok(isHeraldError(goodOutcome, 'HERALD_AFTER_STREAM_ERROR'), `round ${round}: the publish after it is not acted on (${String(goodOutcome)})`);
      await restarted;
    }
  } finally {
    await close();
    cleanup(dir);
  }
});
