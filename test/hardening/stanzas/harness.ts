/**
 * Herald under hostile stanzas, both ways in: joined through a ComponentLink to a plain XEP-0114
 * server on port 0 (test/component/accept-server.ts writes whatever a test gives it), and
 * embedded, with a host that records what Herald routes. Each rig owns a push node and serves a
 * normal XEP-0357 publish: the request every hostile input must leave working.
 */
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Element } from '@xmpp/xml';
import { ComponentLink } from '../../../src/component/index.js';
import type { HeraldConfig } from '../../../src/core/config/schema.js';
import type { Logger } from '../../../src/core/log.js';
import type { Herald } from '../../../src/embed/engine.js';
import { AcceptServer } from '../../component/accept-server.js';
import { cleanup, configIn, tempDir } from '../../e2e/harness.js';
import { startHeraldOnSimulators, type OnSimulators } from '../../support/on-simulators.js';
import { eventually } from '../../support/eventually.js';

export const DOMAIN = 'push.localhost';
const SECRET = 'component-secret';
export const OWNER = 'alice@localhost/phone';
export const NODE = 'hardening-node';
const TOKEN = 'a'.repeat(64);
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

let ids = 0;
/** A stanza id no other request of the process uses. */
export const freshId = (prefix = 'r'): string => `${prefix}${++ids}`;

/** The node every publish goes to, created by OWNER (XEP-0357 §5: the App Server's node). */
export const createNodeText = (id: string): string =>
  `<iq type='set' id='${id}' from='${OWNER}' to='${DOMAIN}'>` +
  `<pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='${NODE}'/></pubsub></iq>`;

/** What an XMPP server sends when OWNER gets a message offline (XEP-0357 §5), as text. */
export const publishText = (id: string): string =>
  `<iq type='set' id='${id}' from='localhost' to='${DOMAIN}'>` +
  `<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='${NODE}'><item>` +
  `<notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='submit'>` +
  `<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:push:summary</value></field>` +
  `<field var='message-count'><value>1</value></field>` +
  `</x></notification></item></publish>` +
  `<publish-options><x xmlns='jabber:x:data' type='submit'>` +
  `<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>` +
  `<field var='service'><value>apns</value></field><field var='device_id'><value>${TOKEN}</value></field>` +
  `</x></publish-options></pubsub></iq>`;

export interface LogLine {
  level: string;
  event: string;
  fields: Record<string, unknown>;
}

function capturingLogger(into: LogLine[]): Logger {
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => void into.push({ level, event, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The `<error/>` of an error reply as `type/condition`. */
export function errorOf(reply: Element): string {
  const error = reply.getChild('error');
  const condition = error?.children.find((c): c is Element => typeof c === 'object' && c.attrs.xmlns === NS_STANZAS && c.name !== 'text');
  return `${String(error?.attrs.type)}/${condition?.name ?? 'none'}`;
}

/** Herald joined as a component to an AcceptServer, online, with NODE created. */
export class StreamRig {
  private constructor(
    readonly server: AcceptServer,
    readonly link: ComponentLink,
    private readonly engine: OnSimulators<Herald>,
    readonly logs: LogLine[],
    private readonly dir: string,
  ) {}

  get herald(): Herald {
    return this.engine.herald;
  }

  /**
   * `framed`: the link's sink takes text (as a sharded Herald does), so the stream is framed and
   * each stanza read by Herald's own strict parse of its text.
   */
  static async start(extra: Record<string, unknown> = {}, framed = false): Promise<StreamRig> {
    const dir = tempDir();
    const server = await AcceptServer.start(DOMAIN, SECRET);
    const config = configIn(dir, {
      component: { enabled: true, service: server.service, password: SECRET, reconnect: { backoff_ms: 20, max_ms: 80 } },
      ...extra,
    });
    const logs: LogLine[] = [];
    const link = linkFor(config, capturingLogger(logs));
    const engine = await startHeraldOnSimulators({ config, host: link });
    const { herald } = engine;
    const rig = new StreamRig(server, link, engine, logs, dir);
    link.start(framed ? { handleStanza: (el) => herald.handleStanza(el), handleText: (text) => herald.handleStanza(text) } : herald);
    await link.waitOnline(5_000);
    const created = await rig.ask(createNodeText(freshId('create')));
    assert.equal(created.attrs.type, 'result', created.toString());
    return rig;
  }

  /** Writes `text` on the stream and resolves with Herald's answer (the stanza with its id). */
  async ask(text: string): Promise<Element> {
    const id = /id='([^']+)'/.exec(text)![1]!;
    const answer = this.server.next('stanza', (el) => el.attrs.id === id);
    this.server.write(text);
    return (await answer)[0];
  }

  /** A normal publish on the stream gets its result: Herald serves after whatever came before. */
  async publishServed(): Promise<void> {
    const reply = await this.ask(publishText(freshId('publish')));
    assert.equal(reply.attrs.type, 'result', `the publish after it: ${reply.toString()}`);
  }

  /** Resolves once the link is online on a later connection than the one counted in `onlinesBefore`. */
  async rejoined(onlinesBefore: number): Promise<void> {
    await eventually(() => this.link.stats.onlines > onlinesBefore && this.link.state === 'online', 'the component to join again', 15_000);
  }

  async close(): Promise<void> {
    await this.engine.close();
    await this.link.stop();
    await this.server.close();
    cleanup(this.dir);
  }
}

/** The link as `herald start` builds it for `[component]`, under the config's [xmpp] limits. */
function linkFor(config: HeraldConfig, log: Logger): ComponentLink {
  // Jitter pinned to its top: every reconnect delay is its ceiling (80 ms).
  return new ComponentLink({ config: config.component, domain: config.app_server.jid, xmpp: config.xmpp, log, random: () => 1 });
}

/** Herald embedded, its host recording what it routes, with NODE created. */
export class EmbeddedRig {
  readonly routed: Element[] = [];

  private constructor(
    private readonly engine: OnSimulators<Herald>,
    private readonly dir: string,
    readonly logs: LogLine[],
  ) {}

  get herald(): Herald {
    return this.engine.herald;
  }

  static async start(extra: Record<string, unknown> = {}): Promise<EmbeddedRig> {
    const dir = tempDir();
    const logs: LogLine[] = [];
    let rig: EmbeddedRig | undefined;
    const engine = await startHeraldOnSimulators({
      config: configIn(dir, extra),
      host: { route: (stanza) => rig!.routed.push(stanza) },
      logger: capturingLogger(logs),
    });
    rig = new EmbeddedRig(engine, dir, logs);
    const created = await rig.ask(createNodeText(freshId('create')));
    assert.equal(created.attrs.type, 'result', created.toString());
    return rig;
  }

  /** Resolves with what Herald routed for `id` (waiting for it). */
  async routedFor(id: string): Promise<Element> {
    await eventually(() => this.routed.some((el) => el.attrs.id === id), `an answer to ${id}`, 15_000);
    return this.routed.find((el) => el.attrs.id === id)!;
  }

  async ask(text: string): Promise<Element> {
    const id = /id='([^']+)'/.exec(text)![1]!;
    await this.herald.handleStanza(text);
    return this.routedFor(id);
  }

  async publishServed(): Promise<void> {
    const reply = await this.ask(publishText(freshId('publish')));
    assert.equal(reply.attrs.type, 'result', `the publish after it: ${reply.toString()}`);
  }

  async close(): Promise<void> {
    await this.engine.close();
    cleanup(this.dir);
  }
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap in use after full collections (weak references and finalizers get two rounds). */
export async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}
