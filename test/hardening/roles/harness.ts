/**
 * Herald through its embedding API on a temp LMDB folder, without push providers (apns and fcm
 * disabled): what these tests exercise is the two XMPP roles, their actors and their store.
 * Replies are matched to requests by id; publishes to a remote App Server can be answered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Element } from '@xmpp/xml';
import { validateConfig } from '../../../src/core/config/load.js';
import type { HeraldConfig } from '../../../src/core/config/schema.js';
import { Herald } from '../../../src/embed/engine.js';
import { NS } from '../../../src/xmpp/namespaces.js';
import { StanzaError } from '../../../src/xmpp/stanza-error.js';

/** The App Server of this engine (config default `app_server.jid`). */
export const PUBSUB = 'push.localhost';
/** An App Server elsewhere: publishes to it leave through `host.route` as IQs. */
export const REMOTE_PUBSUB = 'push.example.net';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'herald-roles-'));
}

export function rolesConfig(dir: string, extra: Record<string, unknown> = {}): HeraldConfig {
  return validateConfig({
    store: { path: join(dir, 'lmdb'), max_size_mib: 256 },
    apns: { enabled: false },
    fcm: { enabled: false },
    rest: { enabled: false },
    ...extra,
  });
}

export interface Running {
  herald: Herald;
  /** Sends a stanza (text: `ID` is replaced by a fresh id) and resolves with its routed reply. */
  ask(text: string): Promise<Element>;
  /** Publish IQs routed to REMOTE_PUBSUB so far (answered at once with a result when `answerPublishes`). */
  publishes: number;
  close(): Promise<void>;
}

export async function startRoles(config: HeraldConfig, options: { answerPublishes?: boolean } = {}): Promise<Running> {
  const waiting = new Map<string, (reply: Element) => void>();
  let sequence = 0;
  let herald!: Herald;
  const running: Running = {
    herald: undefined as unknown as Herald,
    publishes: 0,
    ask(text) {
      const id = `r${++sequence}`;
      const reply = new Promise<Element>((resolve) => waiting.set(id, resolve));
      void herald.handleStanza(text.replace("id='ID'", `id='${id}'`));
      return reply;
    },
    close: () => herald.close(),
  };
  herald = await Herald.start({
    config,
    host: {
      route(stanza) {
        const id = stanza.attrs.id as string;
        if (stanza.attrs.to === REMOTE_PUBSUB && stanza.attrs.type === 'set') {
          running.publishes++;
          if (options.answerPublishes) {
            const result = `<iq type='result' id='${id}' from='${REMOTE_PUBSUB}' to='${stanza.attrs.from as string}'/>`;
            setImmediate(() => void herald.handleStanza(result));
          }
          return;
        }
        const resolve = waiting.get(id);
        if (resolve) {
          waiting.delete(id);
          resolve(stanza);
        }
      },
    },
  });
  running.herald = herald;
  return running;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const enableText = (user: string, pubsub: string, node: string): string =>
  `<iq type='set' id='ID' from='${user}/phone' to='${user}'><enable xmlns='urn:xmpp:push:0' jid='${pubsub}' node='${node}'/></iq>`;

export const disableText = (user: string, pubsub: string, node: string): string =>
  `<iq type='set' id='ID' from='${user}/phone' to='${user}'><disable xmlns='urn:xmpp:push:0' jid='${pubsub}' node='${node}'/></iq>`;

/** XEP-0060 §8.1.1 create (named), or §8.1.2 instant when `node` is undefined. */
export const createText = (owner: string, node?: string): string =>
  `<iq type='set' id='ID' from='${owner}/phone' to='${PUBSUB}'><pubsub xmlns='${NS.PUBSUB}'>` +
  `<create${node === undefined ? '' : ` node='${node}'`}/></pubsub></iq>`;

/** XEP-0060 §8.4 delete. */
export const deleteText = (owner: string, node: string): string =>
  `<iq type='set' id='ID' from='${owner}/phone' to='${PUBSUB}'><pubsub xmlns='${NS.PUBSUB_OWNER}'><delete node='${node}'/></pubsub></iq>`;

/** register-push-apns in one stage (what Conversations sends), for the device `deviceId`. */
export const registerText = (owner: string, deviceId: string): string =>
  `<iq type='set' id='ID' from='${owner}/phone' to='${PUBSUB}'>` +
  `<command xmlns='http://jabber.org/protocol/commands' node='register-push-apns' action='execute'>` +
  `<x xmlns='jabber:x:data' type='submit'><field var='token'><value>${'ab'.repeat(32)}</value></field>` +
  `<field var='device-id'><value>${deviceId}</value></field></x></command></iq>`;

/** A publish by `from` to `node` (XEP-0357 §7) that the node's authorization refuses. */
export const publishText = (from: string, node: string): string =>
  `<iq type='set' id='ID' from='${from}' to='${PUBSUB}'><pubsub xmlns='${NS.PUBSUB}'><publish node='${node}'>` +
  `<item><notification xmlns='urn:xmpp:push:0'/></item></publish></pubsub></iq>`;

/** A chat message to `to` from `from`, with the message id `id`. */
export const chatText = (from: string, to: string, id: string): string =>
  `<message type='chat' id='${id}' from='${from}' to='${to}'><body>hi</body></message>`;

/** The error of a reply as `type/condition`, plus `+app-condition` when it has one. */
export function errorOf(reply: Element): string {
  if (reply.attrs.type !== 'error') return `not an error: ${reply.toString().slice(0, 300)}`;
  const e = StanzaError.fromStanza(reply);
  return e.appCondition ? `${e.type}/${e.condition}+${e.appCondition.name}` : `${e.type}/${e.condition}`;
}

export function assertResult(reply: Element): void {
  assert.equal(reply.attrs.type, 'result', reply.toString().slice(0, 500));
}

/** Node name of a register command's result form. */
export function registeredNode(reply: Element): string {
  assertResult(reply);
  const form = reply.getChild('command')?.getChild('x', NS.DATA);
  const node = form?.getChildren('field').find((f) => f.attrs.var === 'node')?.getChildText('value');
  assert.ok(node, reply.toString());
  return node;
}

/** Sends `count` requests made by `make`, `window` at a time; resolves with the replies' errorOf (or 'result'). */
export async function flood(running: Running, count: number, make: (i: number) => string, window = 200): Promise<Map<string, number>> {
  const outcomes = new Map<string, number>();
  for (let i = 0; i < count; i += window) {
    const replies = await Promise.all(Array.from({ length: Math.min(window, count - i) }, (_, j) => running.ask(make(i + j))));
    for (const reply of replies) {
      const outcome = reply.attrs.type === 'result' ? 'result' : errorOf(reply);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  }
  return outcomes;
}

let gcFn: (() => void) | undefined;

/**
 * Heap holding objects after full collections, in bytes (gc exposed at run time). Between the
 * collections the event loop turns, so that WeakRef targets kept for the current job and
 * FinalizationRegistry callbacks (lmdb-js uses both) are released too. Code spaces are left out:
 * V8 compiling a hot path during a measured flood is not memory the requests kept.
 */
export async function heapAfterGc(): Promise<number> {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 3; i++) {
    gcFn();
    await new Promise((resolve) => setImmediate(resolve));
  }
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) if (!space.space_name.startsWith('code')) used += space.space_used_size;
  return used;
}
