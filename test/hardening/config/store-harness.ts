/**
 * A whole Herald (embedding API) on a small store, with its log captured, and the requests that
 * fill it: enables of ~1 KiB each (a long publish-option; keys stay short, below the 64 bytes
 * from which lmdb-js range reads miss registration keys — see the report), 32 per user (the
 * default registration cap), sent in bounded batches until the first refusal.
 */
import xml, { type Element } from '@xmpp/xml';
import { join } from 'node:path';
import { validateConfig } from '../../../src/core/config/load.js';
import type { Logger } from '../../../src/core/log.js';
import type { Herald } from '../../../src/embed/engine.js';
import { createNodeIq, enableIq, nextId } from '../../e2e/harness.js';
import { startHeraldOnSimulators } from '../../support/on-simulators.js';
import { RoutedReplies } from '../../support/routed-replies.js';

export interface LogLine {
  level: string;
  event: string;
  fields: Record<string, unknown>;
}

export interface StoreHerald {
  herald: Herald;
  lines: LogLine[];
  iq(stanza: Element): Promise<Element>;
  /** Herald's close(), then the APNS simulator's when `extra` enables APNS. */
  close(): Promise<void>;
}

export interface StoreHeraldOptions {
  maxSizeMib: number;
  /** Keys merged over the light base (no REST, no pools). */
  extra?: Record<string, unknown>;
}

export async function startStoreHerald(dir: string, options: StoreHeraldOptions): Promise<StoreHerald> {
  const lines: LogLine[] = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => lines.push({ level, event, fields });
  const logger: Logger = { debug: () => {}, info: at('info'), warn: at('warn'), error: at('error') };
  const config = validateConfig({
    store: { path: join(dir, 'lmdb'), max_size_mib: options.maxSizeMib },
    rest: { enabled: false },
    apns: { enabled: false },
    fcm: { enabled: false },
    ...options.extra,
  });
  const replies = new RoutedReplies();
  const { herald, close } = await startHeraldOnSimulators({ config, logger, host: { route: replies.route } });
  return { herald, lines, close, iq: (stanza) => replies.ask(herald, stanza) };
}

/** Registrations per user: the default `xmpp_server.max_registrations_per_user`. */
const PER_USER = 32;
/** Enables in flight at once while filling. */
export const FILL_BATCH = 50;
/** No 1–4 MiB store needs more than this many ~1 KiB enables to fill. */
const MAX_ENABLES = 20_000;

export const userOf = (i: number): string => `user${Math.floor(i / PER_USER)}@localhost`;

/** Enable number `i`: ~1 KiB stored. */
export function bigEnable(i: number): Element {
  return enableIq(`${userOf(i)}/phone`, `n-${i}`, { secret: 's'.repeat(900) });
}

export function disableAll(user: string): Element {
  return xml('iq', { type: 'set', id: nextId(), from: `${user}/phone`, to: user }, xml('disable', { xmlns: 'urn:xmpp:push:0', jid: 'push.localhost' }));
}

export function deleteNodeIq(owner: string, node: string): Element {
  return xml(
    'iq',
    { type: 'set', id: nextId(), from: owner, to: 'push.localhost' },
    xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub#owner' }, xml('delete', { node })),
  );
}

export { createNodeIq };

export interface Filled {
  /** Enables answered with a result. */
  accepted: number;
  /** The first error answer. */
  refusal: Element;
  /** Index of the next enable to send. */
  next: number;
}

/** Sends enables from `from` in batches until one is answered with an error. */
export async function fillUntilRefused(h: StoreHerald, from = 0): Promise<Filled> {
  let accepted = 0;
  for (let i = from; i < from + MAX_ENABLES; i += FILL_BATCH) {
    const replies = await Promise.all(Array.from({ length: FILL_BATCH }, (_, j) => h.iq(bigEnable(i + j))));
    accepted += replies.filter((r) => r.attrs.type === 'result').length;
    const refusal = replies.find((r) => r.attrs.type === 'error');
    if (refusal) return { accepted, refusal, next: i + FILL_BATCH };
  }
  throw new Error(`${MAX_ENABLES} enables and no refusal: the store bound does not hold`);
}

/** `type/condition` of an error answer, e.g. `wait/resource-constraint`. */
export function errorOf(reply: Element): string {
  const error = reply.getChild('error');
  const condition = error?.children.find((c) => typeof c !== 'string' && (c as Element).attrs.xmlns === 'urn:ietf:params:xml:ns:xmpp-stanzas' && (c as Element).name !== 'text') as Element | undefined;
  return `${error?.attrs.type}/${condition?.name}`;
}
