/**
 * A real App Server over a real LMDB store in a temp folder, with a PushDispatcher test double
 * (the role's injected boundary) that records every notification and answers programmed outcomes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Element } from '@xmpp/xml';
import { startActorRuntime, type ActorRuntime } from '../../src/actors/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../../src/push-service/notification.js';
import { openStore, type HeraldStore } from '../../src/store/lmdb-store.js';
import { AppServerRole } from '../../src/app-server/index.js';
import type { NodeBackend } from '../../src/app-server/node-backend.js';
import type { ChangeFeed } from '../../src/store/change-feed.js';
import { parseStanza } from '../../src/xmpp/parse.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { forSuite } from '../support/for-suite.js';
import { commandField, NS_COMMANDS } from '../support/ad-hoc-commands.js';

export { commandField, NS_COMMANDS };

/** An outcome, a pending outcome (settled by the test), or a synchronous throw. */
export type Answer = PushOutcome | Promise<PushOutcome> | { throws: unknown };

/** Test double of the push service: answers from a script, `ok` when the script is empty. */
export class ProgrammedDispatcher implements PushDispatcher {
  readonly sent: PushNotification[] = [];
  private readonly script: Answer[] = [];

  /** Queues the answers of the next sends, in order. */
  answer(...outcomes: Answer[]): this {
    this.script.push(...outcomes);
    return this;
  }

  send(notification: PushNotification): Promise<PushOutcome> {
    this.sent.push(notification);
    const next = this.script.shift() ?? { ok: true, id: `id-${this.sent.length}` };
    if (next instanceof Promise) return next;
    if ('throws' in next) throw next.throws; // HERALD_MAILBOX_FULL is thrown at once, per the contract
    return Promise.resolve(next);
  }
}

export interface Harness {
  role: AppServerRole;
  dispatcher: ProgrammedDispatcher;
  config: HeraldConfig;
  dir: string;
  /** The LMDB store the role runs on (replaced by `restart`). */
  store: HeraldStore;
  /** Stanzas the role sent on its own (XEP-0357 §8 notices), in order. */
  routed: Element[];
  /** Moves the role's clock (rate limits, command sessions); it starts at the real time. */
  advance(ms: number): void;
  /** Closes role, runtime and store, then opens them again on the same folder. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** What the role runs on besides the LMDB store: a backend made on it (default PushNodeStore) and a change feed. */
export type HarnessStorage = (store: HeraldStore) => { nodes?: NodeBackend; changes?: ChangeFeed };

export async function startHarness(overrides: Record<string, unknown> = {}, storage: HarnessStorage = () => ({})): Promise<Harness> {
  validateConfig(overrides); // a bad config throws before any folder is made
  const dir = mkdtempSync(join(tmpdir(), 'herald-app-server-'));
  const config = validateConfig({ store: { path: dir, max_size_mib: 64 }, ...overrides });
  const dispatcher = new ProgrammedDispatcher();
  let store: HeraldStore;
  let runtime: ActorRuntime;
  let clock = Date.now();
  const open = () => {
    store = openStore(config.store);
    h.store = store;
    runtime = startActorRuntime();
    h.role = new AppServerRole({ config, store, ...storage(store), actors: runtime, dispatcher, route: (s) => h.routed.push(s), now: () => clock });
  };
  const shut = async () => {
    await h.role.close();
    runtime.stop();
    await store.close();
  };
  const h: Harness = {
    role: undefined as unknown as AppServerRole,
    store: undefined as unknown as HeraldStore,
    dispatcher,
    config,
    dir,
    routed: [],
    advance(ms) {
      clock += ms;
    },
    async restart() {
      await shut();
      open();
    },
    async close() {
      await shut();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  open();
  return h;
}

/** A harness for the tests of the enclosing `describe`, with `nodes` created by OWNER before the first. */
export function harnessForSuite(o: { config?: Record<string, unknown>; nodes?: string[] } = {}): Harness {
  return forSuite(async () => {
    const h = await startHarness(o.config);
    for (const node of o.nodes ?? []) await ask(h.role, createIq(node));
    return h;
  });
}

export const stanza = (text: string): Element => parseStanza(text, 65_536);

/** Sends an IQ and returns the reply, which must exist. */
export async function ask(role: AppServerRole, text: string): Promise<Element> {
  const reply = await role.handleIq(stanza(text));
  if (!reply) throw new Error('no reply');
  return reply;
}

/** The error of an error reply as `type/condition`, plus its application condition if any. */
export function errorOf(reply: Element): string {
  if (reply.attrs.type !== 'error') return `not an error: ${reply.toString()}`;
  const e = StanzaError.fromStanza(reply);
  return e.appCondition ? `${e.type}/${e.condition}+${e.appCondition.name}` : `${e.type}/${e.condition}`;
}

/** `result`, or the error of an error reply in `errorOf` notation. */
export function answerOf(reply: Element): string {
  return reply.attrs.type === 'result' ? 'result' : errorOf(reply);
}

/** What a thrown StanzaError looks like in `errorOf` notation. */
export async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (e) {
    if (!(e instanceof StanzaError)) return `not a StanzaError: ${String(e)}`;
    return e.appCondition ? `${e.type}/${e.condition}+${e.appCondition.name}` : `${e.type}/${e.condition}`;
  }
}

export const SERVICE = 'push.localhost';
export const OWNER = 'alice@example.com';

export function createIq(node: string | undefined, from = `${OWNER}/phone`, type?: string): string {
  const attrs = [node !== undefined ? `node='${node}'` : '', type !== undefined ? `type='${type}'` : ''].join(' ');
  return `<iq type='set' id='c1' from='${from}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create ${attrs}/></pubsub></iq>`;
}

/** A MongooseIM-style publish: summary type='submit', publish-options as given (undefined = none). */
export function publishIq(
  node: string,
  options: Record<string, string> | undefined,
  summary: Record<string, string> = { 'message-count': '1', 'last-message-sender': 'juliet@capulet.example/balcony', 'last-message-body': 'Wherefore art thou, Romeo?' },
  from = 'example.com',
): string {
  const fields = (o: Record<string, string>) =>
    Object.entries(o)
      .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
      .join('');
  const publishOptions = options
    ? `<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>${fields(options)}</x></publish-options>`
    : '';
  return (
    `<iq type='set' id='p1' from='${from}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
    `<publish node='${node}'><item><notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='submit'>` +
    `<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:push:summary</value></field>${fields(summary)}</x></notification></item></publish>` +
    `${publishOptions}</pubsub></iq>`
  );
}

/**
 * The publish Prosody 0.12.3's mod_cloud_notify sends, as captured (reference "What it actually
 * publishes"): a type='form' summary whose unknown fields are empty, device abc123 on APNS.
 */
export function prosodyPublishIq(node: string, from: string): string {
  return `<iq to="${SERVICE}" type="set" from="${from}" id="pr1"><pubsub xmlns="http://jabber.org/protocol/pubsub">
 <publish node="${node}"><item><notification xmlns="urn:xmpp:push:0"><x type="form" xmlns="jabber:x:data">
  <field var="FORM_TYPE" type="hidden"><value>urn:xmpp:push:summary</value></field>
  <field var="message-count" type="text-single"><value>1</value></field>
  <field var="pending-subscription-count" type="text-single"/>
  <field var="last-message-sender" type="jid-single"/>
  <field var="last-message-body" type="text-single"><value>New Message!</value></field>
 </x></notification></item></publish>
 <publish-options><x type="submit" xmlns="jabber:x:data"><field var="FORM_TYPE"><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
  <field var="service"><value>apns</value></field><field var="device_id"><value>abc123</value></field></x></publish-options>
</pubsub></iq>`;
}

/** An XEP-0050 command request; `fields` become a submitted form (undefined = no form). */
export function commandIq(
  node: string,
  o: { from?: string; action?: string; sessionid?: string; fields?: Record<string, string>; formType?: string; id?: string } = {},
): string {
  const attrs = [`node='${node}'`, o.action ? `action='${o.action}'` : '', o.sessionid ? `sessionid='${o.sessionid}'` : ''].join(' ');
  const form = o.fields
    ? `<x xmlns='jabber:x:data' type='${o.formType ?? 'submit'}'>` +
      Object.entries(o.fields)
        .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
        .join('') +
      '</x>'
    : '';
  return `<iq type='set' id='${o.id ?? 'x1'}' from='${o.from ?? `${OWNER}/phone`}' to='${SERVICE}'><command xmlns='${NS_COMMANDS}' ${attrs}>${form}</command></iq>`;
}

/** Registers a device by the one-request form of register-push-apns/-fcm/-webpush; returns node, secret and the Push 2.0 client. */
export async function registerDevice(
  role: AppServerRole,
  fields: Record<string, string>,
  o: { from?: string; command?: string } = {},
): Promise<{ node: string; secret: string; jid: string; client: string }> {
  const reply = await ask(role, commandIq(o.command ?? 'register-push-apns', { from: o.from, action: 'execute', fields }));
  if (reply.attrs.type !== 'result') throw new Error(`registration refused: ${reply.toString()}`);
  return { node: commandField(reply, 'node')!, secret: commandField(reply, 'secret')!, jid: commandField(reply, 'jid')!, client: commandField(reply, 'client')! };
}

export const ownerIq = (body: string, o: { from?: string; type?: string; id?: string } = {}): string =>
  `<iq type='${o.type ?? 'set'}' id='${o.id ?? 'o1'}' from='${o.from ?? OWNER}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>${body}</pubsub></iq>`;

/** The owner sets `node`'s publish model (XEP-0060 §8.2.4). */
export const configureIq = (node: string, publishModel: string): string =>
  ownerIq(
    `<configure node='${node}'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field><field var='pubsub#publish_model'><value>${publishModel}</value></field></x></configure>`,
  );

/** The owner sets `jid`'s affiliation with `node` (XEP-0060 §8.9.2). */
export const affiliateIq = (node: string, jid: string, affiliation: string): string =>
  ownerIq(`<affiliations node='${node}'><affiliation jid='${jid}' affiliation='${affiliation}'/></affiliations>`);
