/**
 * The component link in front of a sharded Herald (whose shards parse): the stream is framed on
 * the main thread, each stanza handed over as the text it had on the stream, and a stanza the
 * shard's strict parse refuses ends the stream with the stream error the refusal names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { ComponentLink, type StanzaSink } from '../../src/component/index.js';
import { isHeraldError } from '../../src/core/errors.js';
import { ShardedHerald } from '../../src/shards/sharded-herald.js';
import { onSimulators, type OnSimulators } from '../support/on-simulators.js';
import { cleanup, configIn, createNodeIq, tempDir } from '../e2e/harness.js';
import { eventually } from '../support/eventually.js';
import { namesOn, publishIq } from '../shards/harness.js';
import { AcceptServer } from './accept-server.js';

const DOMAIN = 'push.localhost';
const SECRET = 'component-secret';
const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';
const MAX_STANZA_BYTES = 4_096;

const discoInfo = (id: string, inner = ''): string =>
  `<iq type='get' id='${id}' from='alice@localhost/phone' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'>${inner}</query></iq>`;

let server: AcceptServer;
let link: ComponentLink;
let engine: OnSimulators<ShardedHerald>;
let herald: ShardedHerald;
let dir: string;
/** What the link handed over, each way. */
const texts: string[] = [];
/** How the sink settled each text it was handed: 'ok' or the error. */
const outcomes = new Map<string, unknown>();
let elements = 0;

before(async () => {
  dir = tempDir();
  server = await AcceptServer.start(DOMAIN, SECRET);
  const config = configIn(dir, {
    xmpp: { max_stanza_bytes: MAX_STANZA_BYTES },
    component: { enabled: true, service: server.service, password: SECRET, reconnect: { backoff_ms: 20, max_ms: 80 } },
  });
  link = new ComponentLink({ config: config.component, domain: config.app_server.jid, xmpp: config.xmpp, random: () => 1 });
  engine = await onSimulators(config, (simulated) => ShardedHerald.start({ config: simulated, host: link }, 2));
  herald = engine.herald;
  const sink: StanzaSink = {
    handleStanza: (stanza) => {
      elements++;
      return herald.handleStanza(stanza);
    },
    handleText: (text, stream) => {
      texts.push(text);
      const handled = herald.handleText(text, stream);
      handled.then(
        () => outcomes.set(text, 'ok'),
        (e: unknown) => outcomes.set(text, e),
      );
      return handled;
    },
  };
  link.start(sink);
  await link.waitOnline(5_000);
});

after(async () => {
  await engine.close();
  await link.stop();
  await server.close();
  cleanup(dir);
});

async function ask(text: string, id: string): Promise<Element> {
  const answer = server.next('stanza', (el) => el.attrs.id === id);
  server.write(text);
  return (await answer)[0];
}

async function rejoined(onlinesBefore: number): Promise<void> {
  while (!(link.stats.onlines > onlinesBefore && link.state === 'online')) await new Promise((resolve) => link.once('state', resolve));
}

test('each stanza reaches the shards as the exact text it had on the stream, not parsed on the main thread', async () => {
  const text = discoInfo('f1');
  const answer = await ask(`  ${text}\n`, 'f1');
  assert.equal(answer.attrs.type, 'result', answer.toString());
  assert.ok(texts.includes(text), 'the text as written');
  assert.equal(elements, 0);
});

for (const [what, inner, condition] of [
  ['an undefined entity (RFC 6120 §11.1)', '&foo;', 'restricted-xml'],
  ['a control character (XML 1.0 §2.2)', 'a\u0001b', 'not-well-formed'],
  ['duplicate attributes', "<a v='1' v='2'/>", 'not-well-formed'],
  ['an unbound prefix', '<p:a/>', 'bad-namespace-prefix'],
] as const) {
  test(`a stanza the shard's parse refuses for ${what} ends the stream with ${condition}, the component joins again and serves`, async () => {
    const before = { ...link.stats };
    const streamError = server.next('stream-error', () => true, 10_000);
    server.write(discoInfo('bad', inner));
    const [error] = await streamError;
    assert.ok(error.getChild(condition, NS_STREAMS), error.toString());
    assert.equal(link.stats.streamErrors, before.streamErrors + 1);
    await rejoined(before.onlines);
    assert.equal((await ask(discoInfo('after'), 'after')).attrs.type, 'result');
  });
}

test('a stanza over max_stanza_bytes is not handed over: the link answers policy-violation and the stream stays up', async () => {
  const before = { ...link.stats };
  const handed = texts.length;
  const answer = await ask(discoInfo('big', `<a v='${'x'.repeat(MAX_STANZA_BYTES)}'/>`), 'big');
  assert.equal(answer.attrs.type, 'error');
  assert.ok(answer.getChild('error')?.getChild('policy-violation'), answer.toString());
  assert.equal(texts.length, handed);
  assert.deepEqual([link.stats.refused, link.stats.onlines, link.stats.streamErrors], [before.refused + 1, before.onlines, before.streamErrors]);
});

test("the server's stream error is still read: the component joins again", async () => {
  const before = { ...link.stats };
  server.write(`<stream:error><conflict xmlns='${NS_STREAMS}'/></stream:error>`);
  await rejoined(before.onlines);
  assert.equal((await ask(discoInfo('after-conflict'), 'after-conflict')).attrs.type, 'result');
});

test('RFC 6120 §4.9: stanzas framed after one a shard refuses are not acted on, on its shard or the other, and the stream closes with its condition', async () => {
  const shards = 2;
  const [nodeA] = namesOn(0, shards, 1, (i) => `gate-a-${i}`);
  const [nodeB] = namesOn(1, shards, 1, (i) => `gate-b-${i}`);
  for (const node of [nodeA!, nodeB!]) {
    const create = createNodeIq('owner@localhost/r', node);
    assert.equal((await ask(create.toString(), create.attrs.id as string)).attrs.type, 'result');
  }
  const token = (n: number) => `${n}`.padStart(64, 'e');
  const publish = (id: string, node: string, n: number) => publishIq(id, node, token(n), 1).toString();
  // A publish whose text only the shard's strict parse refuses (an undefined entity), then one
  // to each shard, framed from the same write: in flight before the refusal comes back.
  const bad = publish('gate-bad', nodeA!, 1).replace('<value>1</value>', '<value>&foo;</value>');
  assert.notEqual(bad, publish('gate-bad', nodeA!, 1));
  const afterOnB = publish('gate-after-b', nodeB!, 2);
  const afterOnA = publish('gate-after-a', nodeA!, 3);
  const answered: string[] = [];
  const onStanza = (el: Element): void => void answered.push(String(el.attrs.id));
  server.on('stanza', onStanza);
  const before = { ...link.stats };
  const streamError = server.next('stream-error', () => true, 10_000);
  server.write(bad + afterOnB + afterOnA);
  const [error] = await streamError;
  assert.ok(error.getChild('restricted-xml', NS_STREAMS), error.toString());
  await rejoined(before.onlines);

  // On the new stream both shards act again; each shard handles its stanzas in order, so once
  // these are delivered anything of the old stream would have been too.
  for (const [id, node, n] of [['gate-next-b', nodeB!, 4], ['gate-next-a', nodeA!, 5]] as const) {
    assert.equal((await ask(publish(id, node, n), id)).attrs.type, 'result');
    await eventually(() => engine.apns!.attempts(token(n)) === 1, `the push of ${id}`, 10_000);
  }
  for (const n of [2, 3]) assert.equal(engine.apns!.attempts(token(n)), 0, `no push for publish ${n} of the closed stream`);
  await eventually(() => outcomes.has(afterOnB) && outcomes.has(afterOnA), 'the later stanzas settled', 10_000);
  for (const text of [afterOnB, afterOnA]) {
    assert.ok(isHeraldError(outcomes.get(text), 'HERALD_AFTER_STREAM_ERROR'), String(outcomes.get(text)));
  }
  server.off('stanza', onStanza);
  assert.deepEqual(answered.filter((id) => id.startsWith('gate-after') || id === 'gate-bad'), [], 'no answer to them either');
});
