/**
 * A real XMPP Server role over a real LMDB store in a temp dir, with a test-double Publisher
 * standing in for the App Server (the role's injected boundary).
 */
import type { Element } from '@xmpp/xml';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startActorRuntime, type ActorRuntime } from '../../src/actors/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import type { ChangeFeed } from '../../src/store/change-feed.js';
import { openStore, type HeraldStore } from '../../src/store/lmdb-store.js';
import { parseStanza } from '../../src/xmpp/parse.js';
import type { PushPublish } from '../../src/xmpp/push-publish.js';
import { NS } from '../../src/xmpp/namespaces.js';
import type { Publisher, PublishResult } from '../../src/xmpp-server/publisher.js';
import { RegistrationStore } from '../../src/xmpp-server/registration-store.js';
import { XmppServerRole } from '../../src/xmpp-server/xmpp-server.js';
import type { Push2Sender } from '../../src/xmpp-server/push2/push2-delivery.js';
import { eventually } from '../support/eventually.js';

export const stanza = (text: string): Element => parseStanza(text, 65_536);

/** Test double of the App Server: records every publish and answers with `answer`. */
export class RecordingPublisher implements Publisher {
  readonly publishes: PushPublish[] = [];
  answer: (publish: PushPublish) => PublishResult | Promise<PublishResult> = () => ({ ok: true });

  publish(publish: PushPublish): Promise<PublishResult> {
    this.publishes.push(structuredClone(publish));
    return Promise.resolve(this.answer(publish));
  }

  async waitForPublishes(count: number): Promise<PushPublish[]> {
    await eventually(() => this.publishes.length >= count, `${count} publishes (have ${this.publishes.length})`, 3_000);
    return this.publishes;
  }
}

export interface HarnessOptions {
  xmppServer?: Record<string, unknown>;
  actors?: Record<string, unknown>;
  /** `store.max_size_mib` (64 unless given). */
  storeMib?: number;
  /** Builds the role's registration store (to inject faults). */
  registrationStore?: (store: HeraldStore) => RegistrationStore;
  /** Change notices the role listens to (none unless given). */
  changes?: ChangeFeed;
  /** Where Push 2.0 notifications go (none unless given: Push 2.0 registrations then push nothing). */
  push2Sender?: Push2Sender;
}

export class Harness implements RoleHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'herald-xmpp-server-'));
  readonly config: HeraldConfig;
  readonly publisher = new RecordingPublisher();
  store!: HeraldStore;
  runtime!: ActorRuntime;
  role!: XmppServerRole;
  registrationStore!: RegistrationStore;

  constructor(private readonly options: HarnessOptions = {}) {
    this.config = validateConfig({
      store: { path: this.dir, max_size_mib: options.storeMib ?? 64 },
      xmpp_server: { domain: 'example.com', ...options.xmppServer },
      actors: options.actors ?? {},
    });
    this.open();
  }

  /** Opens store, actor runtime and role (again, after `stop`). */
  open(): void {
    this.store = openStore(this.config.store);
    this.runtime = startActorRuntime();
    this.registrationStore = this.options.registrationStore?.(this.store) ?? new RegistrationStore(this.store);
    this.role = new XmppServerRole({
      config: this.config,
      store: this.store,
      actors: this.runtime,
      publisher: this.publisher,
      registrations: this.registrationStore,
      changes: this.options.changes,
      push2Sender: this.options.push2Sender,
    });
  }

  /** Closes role, runtime and store; the LMDB files stay. */
  async stop(): Promise<void> {
    await this.role.close();
    this.runtime.stop();
    await this.store.close();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  enable(user: string, pubsub: string, node: string, options: Record<string, string> = {}): Promise<void> {
    return enableThrough(this.role, user, pubsub, node, options);
  }
}

/** A role on some store, for the suites that run on every backend (this Harness: LMDB). */
export interface RoleHarness {
  readonly role: XmppServerRole;
  /** Enables push for `user` and asserts the result. */
  enable(user: string, pubsub: string, node: string, options?: Record<string, string>): Promise<void>;
  /** Closes the role and removes its store. */
  dispose(): Promise<void>;
}

/** Enables push for `user` through `role` and asserts the result. */
export async function enableThrough(role: XmppServerRole, user: string, pubsub: string, node: string, options: Record<string, string> = {}): Promise<void> {
  const reply = await role.handleIq(enableIq(user, pubsub, node, options));
  assert.equal(reply.attrs.type, 'result', reply.toString());
}

export function enableIq(user: string, pubsub: string, node: string, options: Record<string, string> = {}, id = 'e1'): Element {
  const fields = Object.entries(options)
    .map(([name, value]) => `<field var='${name}'><value>${value}</value></field>`)
    .join('');
  const form = fields
    ? `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${NS.PUBSUB_PUBLISH_OPTIONS}</value></field>${fields}</x>`
    : '';
  return stanza(
    `<iq type='set' id='${id}' from='${user}/phone'><enable xmlns='urn:xmpp:push:0' jid='${pubsub}' node='${node}'>${form}</enable></iq>`,
  );
}

export function disableIq(user: string, pubsub: string, node?: string): Element {
  const nodeAttr = node === undefined ? '' : ` node='${node}'`;
  return stanza(`<iq type='set' id='d1' from='${user}/phone'><disable xmlns='urn:xmpp:push:0' jid='${pubsub}'${nodeAttr}/></iq>`);
}

/** A chat message from juliet to `to` with `body`. */
export function chat(to: string, body: string, id = 'm1'): Element {
  return stanza(`<message type='chat' id='${id}' from='juliet@capulet.example/balcony' to='${to}'><body>${body}</body></message>`);
}

/** Asserts an IQ error reply with the given RFC 6120 type and condition. */
export function assertStanzaError(reply: Element, type: string, condition: string): void {
  assert.equal(reply.attrs.type, 'error', reply.toString());
  const error = reply.getChild('error');
  assert.ok(error, reply.toString());
  assert.equal(error.attrs.type, type, reply.toString());
  assert.ok(error.getChild(condition, NS.STANZAS), `expected ${condition} in ${reply.toString()}`);
}
