import { test } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { ComponentLink, ComponentLinks } from '../../src/component/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import { Herald, type HeraldHost } from '../../src/embed/engine.js';
import { ShardedHerald } from '../../src/shards/sharded-herald.js';
import { cleanup, configIn, tempDir } from '../e2e/harness.js';
import { AcceptServer } from './accept-server.js';
import { onSimulators } from '../support/on-simulators.js';

const DOMAIN = 'push.localhost';

const discoInfo = (from: string, id: string): string =>
  `<iq type='get' from='${from}' to='${DOMAIN}' id='${id}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`;

type Engine = Herald | ShardedHerald;
const inProcess = (config: HeraldConfig, host: HeraldHost): Promise<Engine> => Herald.start({ config, host });
/** Sharded, the links frame the stream and learn each domain from the `from` of a stanza's text. */
const sharded = (config: HeraldConfig, host: HeraldHost): Promise<Engine> => ShardedHerald.start({ config, host }, 2);

test('joined to two servers under one domain, Herald answers each on the link of the server that asked', () => joinedToTwo(inProcess));
test('joined to two servers under one domain, a sharded Herald answers each on the link of the server that asked', () => joinedToTwo(sharded));

async function joinedToTwo(start: (config: HeraldConfig, host: HeraldHost) => Promise<Engine>): Promise<void> {
  const dir = tempDir();
  const [one, two] = await Promise.all([AcceptServer.start(DOMAIN, 'secret-one'), AcceptServer.start(DOMAIN, 'secret-two')]);
  const config = configIn(dir, {
    component: {
      enabled: true,
      service: one.service,
      password: 'secret-one',
      reconnect: { backoff_ms: 20, max_ms: 80 },
      servers: [{ service: two.service, password: 'secret-two' }],
    },
  });
  const { servers, ...first } = config.component;
  const links = new ComponentLinks(
    [first, { ...first, ...servers[0]! }].map((c) => new ComponentLink({ config: c, domain: config.app_server.jid, xmpp: config.xmpp })),
  );
  const engine = await onSimulators(config, (simulated) => start(simulated, links));
  const { herald } = engine;
  try {
    const online = Promise.all([one.next('handshake', (ok) => ok), two.next('handshake', (ok) => ok)]);
    links.start(herald);
    await online;

    const fromTwo = two.next('stanza', (el) => el.attrs.id === 'b1');
    two.write(discoInfo('bob@two.example/laptop', 'b1'));
    const [answerTwo] = await fromTwo;
    assert.equal(answerTwo.attrs.to, 'bob@two.example/laptop');
    assert.equal(answerTwo.attrs.type, 'result');

    const fromOne = one.next('stanza', (el) => el.attrs.id === 'a1');
    one.write(discoInfo('alice@one.example/phone', 'a1'));
    assert.equal((await fromOne)[0].attrs.to, 'alice@one.example/phone');
    assert.equal(links.linkFor('two.example'), links.links[1]);
    assert.equal(links.linkFor('one.example'), links.links[0]);

    // A stanza for a domain no server has spoken for leaves on the first link.
    const stray = one.next('stanza', (el) => el.attrs.id === 'n1');
    links.route(xml('message', { to: 'carol@three.example', from: DOMAIN, id: 'n1', type: 'headline' }));
    await stray;
  } finally {
    await engine.close();
    await links.stop();
    await Promise.all([one.close(), two.close()]);
    cleanup(dir);
  }
}

test('each extra server needs an xmpp:// service and a password, named in the config error', () => {
  assert.throws(
    () => validateConfig({ component: { enabled: true, password: 'p', servers: [{ service: 'http://x:1', password: '' }] } }),
    (e: Error) => /component\.servers\.0\.service/.test(e.message) && /component\.servers\.0\.password/.test(e.message),
  );
});
