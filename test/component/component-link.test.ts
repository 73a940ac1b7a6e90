import { test } from 'node:test';
import assert from 'node:assert/strict';
import xml, { type Element } from '@xmpp/xml';
import { ComponentLink, type LinkStats } from '../../src/component/index.js';
import type { Logger } from '../../src/core/log.js';
import type { Herald } from '../../src/embed/engine.js';
import { cleanup, configIn, tempDir } from '../e2e/harness.js';
import { AcceptServer } from './accept-server.js';
import { eventually } from '../support/eventually.js';
import { startHeraldOnSimulators } from '../support/on-simulators.js';

const DOMAIN = 'push.localhost';
const SECRET = 'component-secret';

interface Rig {
  server: AcceptServer;
  link: ComponentLink;
  herald: Herald;
  logs: Array<{ level: string; event: string; fields: Record<string, unknown> }>;
  /** Sends an IQ on the accepted stream and resolves with Herald's answer. */
  ask(iq: string, id: string): Promise<Element>;
  close(): Promise<void>;
}

interface RigOptions {
  secret?: string;
  maxStanzaBytes?: number;
  backoffMs?: number;
  maxMs?: number;
  handshakeDeadlineMs?: number;
}

async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = tempDir();
  const server = await AcceptServer.start(DOMAIN, SECRET);
  const config = configIn(dir, {
    xmpp: { max_stanza_bytes: options.maxStanzaBytes ?? 65_536 },
    component: {
      enabled: true,
      service: server.service,
      password: options.secret ?? SECRET,
      reconnect: { backoff_ms: options.backoffMs ?? 20, max_ms: options.maxMs ?? 80 },
    },
  });
  const logs: Rig['logs'] = [];
  const log = capturingLogger(logs);
  // Jitter pinned to its top: every delay is exactly its ceiling.
  const link = new ComponentLink({
    config: config.component,
    domain: config.app_server.jid,
    xmpp: config.xmpp,
    log,
    random: () => 1,
    handshakeDeadlineMs: options.handshakeDeadlineMs,
  });
  const engine = await startHeraldOnSimulators({ config, host: link });
  const { herald } = engine;
  return {
    server,
    link,
    herald,
    logs,
    async ask(iq, id) {
      const answer = server.next('stanza', (el) => el.attrs.id === id);
      server.write(iq);
      return (await answer)[0];
    },
    async close() {
      await engine.close();
      await link.stop();
      await server.close();
      cleanup(dir);
    },
  };
}

function capturingLogger(into: Rig['logs']): Logger {
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => void into.push({ level, event, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const discoInfo = (id: string) =>
  `<iq type='get' id='${id}' from='localhost' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`;

test('an IQ the server forwards is answered exactly once, by Herald, on the component stream', async () => {
  const rig = await startRig();
  try {
    rig.link.start(rig.herald);
    await rig.link.waitOnline(5_000);
    const answers: Element[] = [];
    rig.server.on('stanza', (el) => el.attrs.id === 'd1' && answers.push(el));
    const answer = await rig.ask(discoInfo('d1'), 'd1');
    assert.equal(answer.attrs.type, 'result');
    assert.equal(answer.attrs.from, DOMAIN);
    assert.equal(answer.attrs.to, 'localhost');
    const identity = answer.getChild('query')?.getChild('identity');
    assert.deepEqual([identity?.attrs.category, identity?.attrs.type], ['pubsub', 'push']);
    // A second round trip on the same stream: any other answer to d1 would have come before it.
    await rig.ask(discoInfo('d2'), 'd2');
    assert.equal(answers.length, 1, "@xmpp/component's own IQ handler must not answer too");
  } finally {
    await rig.close();
  }
});

test('a stanza above xmpp.max_stanza_bytes is refused on a stream that stays up: an IQ is answered policy-violation, a message dropped', async () => {
  const rig = await startRig({ maxStanzaBytes: 10_000 });
  try {
    rig.link.start(rig.herald);
    await rig.link.waitOnline(5_000);
    rig.server.write(`<message from='localhost' to='${DOMAIN}'><body>${'x'.repeat(12_000)}</body></message>`);
    const answer = await rig.ask(
      `<iq type='get' id='big' from='localhost' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'>${'x'.repeat(12_000)}</query></iq>`,
      'big',
    );
    assert.equal(answer.attrs.type, 'error');
    const error = answer.getChild('error');
    assert.equal(error?.attrs.type, 'modify');
    assert.ok(error?.getChild('policy-violation', 'urn:ietf:params:xml:ns:xmpp-stanzas'), answer.toString());
    assert.match(error?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas') ?? '', /10000 bytes/);
    assert.equal((await rig.ask(discoInfo('after'), 'after')).attrs.type, 'result');
    assert.deepEqual([rig.link.stats.refused, rig.link.stats.streamErrors, rig.link.stats.onlines], [2, 0, 1]);
  } finally {
    await rig.close();
  }
});

test('XML that is not well-formed ends the stream with a stream error, and the component joins again', async () => {
  const rig = await startRig();
  try {
    rig.link.start(rig.herald);
    await rig.link.waitOnline(5_000);
    const streamError = rig.server.next('stream-error');
    const rejoined = rig.server.next('handshake', (ok) => ok);
    rig.server.write(`<iq type='get' id='bad' to='${DOMAIN}'><query></iq>`);
    const [error] = await streamError;
    // RFC 6120 §4.9.3.13, the specific condition (RECOMMENDED over bad-format, §4.9.3.1).
    assert.ok(error.getChild('not-well-formed', 'urn:ietf:params:xml:ns:xmpp-streams'), error.toString());
    await rejoined;
    await rig.link.waitOnline(5_000);
    assert.equal((await rig.ask(discoInfo('after'), 'after')).attrs.type, 'result');
  } finally {
    await rig.close();
  }
});

test('a refused handshake is retried with doubling delays up to reconnect_max_ms, and the delay resets once online', async () => {
  const rig = await startRig({ secret: 'wrong', backoffMs: 20, maxMs: 80 });
  try {
    const backoffs: Array<{ delayMs: number; failures: number }> = [];
    rig.link.on('backoff', (b) => backoffs.push(b));
    rig.link.start(rig.herald);
    await eventually(() => rig.server.handshakesRefused >= 4, 'four refused handshakes');
    assert.equal(rig.link.state === 'online', false);
    // Each refusal: the server's not-authorized stream error, then the delay before the next try.
    await eventually(() => backoffs.length >= 4, 'four backoffs');
    assert.deepEqual(backoffs.slice(0, 4), [
      { delayMs: 20, failures: 0 },
      { delayMs: 40, failures: 1 },
      { delayMs: 80, failures: 2 },
      { delayMs: 80, failures: 3 },
    ]);
    const refusals = rig.logs.filter((l) => l.event === 'component.refused');
    assert.ok(refusals.every((l) => l.fields.condition === 'not-authorized' && /component\.password/.test(String(l.fields.hint))));
    assert.ok(refusals.length >= 4 && refusals.length <= rig.server.handshakesRefused, 'one line per refusal');

    rig.server.secret = 'wrong'; // the operator fixes the server side instead
    await rig.link.waitOnline(5_000);
    // The server goes away without a word: the next wait is the first one again.
    const count = backoffs.length;
    rig.server.dropAll();
    await eventually(() => backoffs.length > count, 'one more backoff');
    assert.deepEqual(backoffs[count], { delayMs: 20, failures: 0 });
    await rig.link.waitOnline(5_000);
    assert.equal((await rig.ask(discoInfo('back'), 'back')).attrs.type, 'result');
    const events = rig.logs.map((l) => l.event);
    assert.ok(events.includes('component.offline') && events.lastIndexOf('component.online') > events.indexOf('component.offline'));
  } finally {
    await rig.close();
  }
});

test('a server that accepts the connection but never answers is left after the handshake deadline, and tried again', async () => {
  const rig = await startRig({ handshakeDeadlineMs: 300 });
  try {
    rig.server.mute = true;
    rig.link.start(rig.herald);
    await eventually(() => rig.server.streamsOpened >= 2, 'a second stream');
    assert.ok(rig.logs.some((l) => l.event === 'component.handshake_timeout'));
    rig.server.mute = false;
    await rig.link.waitOnline(5_000);
    assert.equal((await rig.ask(discoInfo('late'), 'late')).attrs.type, 'result');
  } finally {
    await rig.close();
  }
});

test('a server that closes its stream gets a closing tag back, and the component joins again', async () => {
  const rig = await startRig();
  try {
    rig.link.start(rig.herald);
    await rig.link.waitOnline(5_000);
    const closed = rig.server.next('stream-end');
    const rejoined = rig.server.next('handshake', (ok) => ok);
    rig.server.write('</stream:stream>');
    await closed;
    await rejoined;
    await rig.link.waitOnline(5_000);
    assert.equal(rig.link.stats.onlines, 2);
  } finally {
    await rig.close();
  }
});

test('stanzas Herald routes while the link is down are dropped and counted, not queued', async () => {
  const rig = await startRig();
  try {
    rig.link.route(xml('iq', { type: 'result', id: 'r1', to: 'localhost', from: DOMAIN }));
    rig.link.route(xml('iq', { type: 'result', id: 'r2', to: 'localhost', from: DOMAIN }));
    const stats: LinkStats = rig.link.stats;
    assert.equal(stats.dropped, 2);
    assert.equal(stats.sent, 0);
    assert.equal(rig.logs.filter((l) => l.event === 'component.dropping').length, 1, 'one log line per outage');
  } finally {
    await rig.close();
  }
});

test('stop() closes the stream before the connection', async () => {
  const rig = await startRig();
  try {
    rig.link.start(rig.herald);
    await rig.link.waitOnline(5_000);
    const ended = rig.server.next('stream-end');
    const gone = rig.server.next('disconnect');
    await rig.link.stop();
    await ended;
    await gone;
    assert.equal(rig.link.state, 'stopped');
  } finally {
    await rig.close();
  }
});
