/**
 * The component link in front of a sharded Herald (whose shards parse): the stream is framed on
 * the main thread, each stanza handed over as the text it had on the stream, and a stanza the
 * shard's strict parse refuses ends the stream with the stream error the refusal names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { ComponentLink, type StanzaSink } from '../../src/component/index.js';
import { ShardedHerald } from '../../src/shards/sharded-herald.js';
import { cleanup, configIn, tempDir } from '../e2e/harness.js';
import { AcceptServer } from './accept-server.js';

const DOMAIN = 'push.localhost';
const SECRET = 'component-secret';
const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';
const MAX_STANZA_BYTES = 4_096;

const discoInfo = (id: string, inner = ''): string =>
  `<iq type='get' id='${id}' from='alice@localhost/phone' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'>${inner}</query></iq>`;

let server: AcceptServer;
let link: ComponentLink;
let herald: ShardedHerald;
let dir: string;
/** What the link handed over, each way. */
const texts: string[] = [];
let elements = 0;

before(async () => {
  dir = tempDir();
  server = await AcceptServer.start(DOMAIN, SECRET);
  const config = configIn(dir, {
    xmpp: { max_stanza_bytes: MAX_STANZA_BYTES },
    component: { enabled: true, service: server.service, domain: DOMAIN, password: SECRET, reconnect_backoff_ms: 20, reconnect_max_ms: 80 },
  });
  link = new ComponentLink({ config: config.component, xmpp: config.xmpp, random: () => 1 });
  herald = await ShardedHerald.start({ config, host: link }, 2);
  const sink: StanzaSink = {
    handleStanza: (stanza) => {
      elements++;
      return herald.handleStanza(stanza);
    },
    handleText: (text) => {
      texts.push(text);
      return herald.handleText(text);
    },
  };
  link.start(sink);
  await link.waitOnline(5_000);
});

after(async () => {
  await herald.close();
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
