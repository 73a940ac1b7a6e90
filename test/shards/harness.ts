/** A ShardedHerald on temp storage on the APNS and FCM simulators, its routed stanzas and log lines recorded. */
import xml, { type Element } from '@xmpp/xml';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import type { Logger } from '../../src/core/log.js';
import { ShardedHerald } from '../../src/shards/sharded-herald.js';
import { routingJid } from '../../src/shards/routing-key.js';
import { shardOf } from '../../src/shards/shard-of.js';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';
import { onSimulators } from '../support/on-simulators.js';

export interface LogLine {
  level: string;
  event: string;
  fields: Record<string, unknown> | undefined;
}

export interface RunningShards {
  herald: ShardedHerald;
  apns: ApnsSimulator | undefined;
  /** Herald's close(), then the simulators'. */
  close(): Promise<void>;
  routed: Element[];
  log: LogLine[];
  /** Resolves with the first stanza routed with this id (waits for it). */
  reply(id: string): Promise<Element>;
  /** Every routed stanza with this id so far. */
  repliesTo(id: string): Element[];
}

export async function startShards(config: HeraldConfig, count: number): Promise<RunningShards> {
  const routed: Element[] = [];
  const log: LogLine[] = [];
  const waiters = new Map<string, Array<(el: Element) => void>>();
  const logger: Logger = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (event: string, fields?: Record<string, unknown>) => log.push({ level, event, fields })]),
  ) as unknown as Logger;
  const { herald, apns, close } = await onSimulators(config, (simulated) => ShardedHerald.start(
    {
      config: simulated,
      logger,
      host: {
        route(stanza) {
          routed.push(stanza);
          const id = stanza.attrs.id as string;
          for (const wake of waiters.get(id) ?? []) wake(stanza);
          waiters.delete(id);
        },
      },
    },
    count,
  ));
  return {
    herald,
    apns,
    close,
    routed,
    log,
    reply(id) {
      const seen = routed.find((s) => s.attrs.id === id);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.set(id, [...(waiters.get(id) ?? []), resolve]));
    },
    repliesTo: (id) => routed.filter((s) => s.attrs.id === id),
  };
}

/** The shard of a user (as the engine places it). */
export function userShard(jid: string, shards: number): number {
  return shardOf(routingJid(jid), shards);
}

/** `count` names made from `prefix` whose key lands on `shard`. */
export function namesOn(shard: number, shards: number, count: number, name: (i: number) => string, key: (n: string) => string = (n) => n): string[] {
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    const candidate = name(i);
    if (shardOf(key(candidate), shards) === shard) names.push(candidate);
  }
  return names;
}

export function publishIq(id: string, node: string, token: string, count: number): Element {
  return xml(
    'iq',
    { type: 'set', id, from: 'localhost', to: 'push.localhost' },
    xml(
      'pubsub',
      { xmlns: 'http://jabber.org/protocol/pubsub' },
      xml(
        'publish',
        { node },
        xml('item', {}, xml('notification', { xmlns: 'urn:xmpp:push:0' }, xml('x', { xmlns: 'jabber:x:data', type: 'form' }, field('FORM_TYPE', 'urn:xmpp:push:summary'), field('message-count', String(count))))),
      ),
      xml(
        'publish-options',
        {},
        xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, field('FORM_TYPE', 'http://jabber.org/protocol/pubsub#publish-options'), field('service', 'apns'), field('device_id', token)),
      ),
    ),
  );
}

export function deleteIq(id: string, owner: string, node: string): Element {
  return xml('iq', { type: 'set', id, from: owner, to: 'push.localhost' }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub#owner' }, xml('delete', { node })));
}

export function disableIq(id: string, fullJid: string, node: string): Element {
  return xml('iq', { type: 'set', id, from: fullJid, to: fullJid.split('/')[0] }, xml('disable', { xmlns: 'urn:xmpp:push:0', jid: 'push.localhost', node }));
}

function field(name: string, value: string): Element {
  return xml('field', { var: name }, xml('value', {}, value));
}
