/** The shard of a stanza is read from its text as the roles would key it, without parsing it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { readHead, routingJid, shardOfElement, shardOfText, type ShardRouting } from '../../src/shards/routing-key.js';
import { shardOf } from '../../src/shards/shard-of.js';
import { bareJid } from '../../src/xmpp/jid.js';

const SHARDS = 7;
const routing: ShardRouting = {
  shards: SHARDS,
  appServerJid: 'push.localhost',
  shardOfRequestId: (id) => (id.startsWith('herald-x.') ? Number(id.slice(9, id.indexOf('-', 9))) : undefined),
};

test('a user is keyed by the bare JID the roles use, whatever the spelling of the full JID', () => {
  for (const jid of ['Romeo@Example.COM/Orchard', 'romeo@example.com', 'a b@x/r', 'a\\20b@x', 'é@Ü.de/r', 'x.COM', 'JULIET@capulet.lit/balcony/extra']) {
    assert.equal(routingJid(jid), bareJid(jid), jid);
  }
  assert.equal(routingJid('@@bad'), '', 'no JID: the empty key (its shard refuses it)');
});

test('a message goes to its recipient’s shard, an enable to its sender’s', () => {
  const message = `<message from='bob@localhost/x' to='Alice@Localhost/phone' type='chat'><body>hi</body></message>`;
  assert.equal(shardOfText(message, routing), shardOf('alice@localhost', SHARDS));
  const enable = `<iq type="set" id="e1" from="carol@localhost/r" to="carol@localhost"><enable xmlns="urn:xmpp:push:0" jid="push.localhost" node="n1"/></iq>`;
  assert.equal(shardOfText(enable, routing), shardOf('carol@localhost', SHARDS));
});

test("an IQ to the App Server goes to its node's shard; one without a node to its sender's", () => {
  for (const node of ['node-1', 'ノード', "it's"]) {
    const escaped = node.replace(/'/g, '&apos;');
    const publish = `<iq type='set' id='p' from='localhost' to='PUSH.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='${escaped}'><item/></publish></pubsub></iq>`;
    assert.equal(shardOfText(publish, routing), shardOf(node, SHARDS), node);
    const element = xml('iq', { type: 'set', id: 'p', from: 'localhost', to: 'push.localhost' }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('publish', { node })));
    assert.equal(shardOfElement(element, routing), shardOf(node, SHARDS), `${node} (parsed)`);
  }
  const instant = `<iq type='set' id='c' from='dave@localhost/r' to='push.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create/></pubsub></iq>`;
  assert.equal(shardOfText(instant, routing), shardOf('dave@localhost', SHARDS));
});

test('an IQ answer goes to the shard named in its id; any other to shard 0', () => {
  assert.equal(shardOfText(`<iq type='result' id='herald-x.5-1a' from='push.remote'/>`, routing), 5);
  assert.equal(shardOfText(`<iq type='error' id='someone-else' from='push.remote'/>`, routing), 0);
});

test('text whose start tag cannot be read goes to shard 0, where the parser refuses it', () => {
  for (const text of ['', 'no tag', "<iq type='set", "<iq type=set>", '<iq a="1"']) assert.equal(shardOfText(text, routing), 0, text);
  assert.equal(readHead("<iq type='set'"), undefined);
});

test('the start tag is read with its entities decoded and either quote', () => {
  const head = readHead(`  <client:iq type="get" id='a&amp;b' to="x&#64;y" from='z'>`);
  assert.deepEqual({ ...head, end: undefined }, { name: 'iq', type: 'get', id: 'a&b', to: 'x@y', from: 'z', end: undefined });
});

test("a Push 2.0 notification to the App Server goes to the shard of the node its client names; another message to its recipient's", () => {
  for (const node of ['bm9kZS0x', 'other-node', 'x_y-z']) {
    const text = `<message to='push.localhost' from='example.org' id='n'><notification xmlns='urn:xmpp:push2:0'><client>${node}.c2VjcmV0</client><priority>high</priority></notification></message>`;
    assert.equal(shardOfText(text, routing), shardOf(node, SHARDS), node);
    const element = xml('message', { to: 'push.localhost', from: 'example.org' }, xml('notification', { xmlns: 'urn:xmpp:push2:0' }, xml('client', {}, `${node}.c2VjcmV0`)));
    assert.equal(shardOfElement(element, routing), shardOf(node, SHARDS), `${node} (parsed)`);
  }
  const noClient = `<message to='push.localhost' from='example.org'><notification xmlns='urn:xmpp:push2:0'/></message>`;
  assert.equal(shardOfText(noClient, routing), shardOf('push.localhost', SHARDS), 'the shard that answers bad-request');
});
