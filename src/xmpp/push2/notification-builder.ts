/**
 * The message the user's server sends the push service for one registration (Push 2.0 draft,
 * "Send profiles"; push2-types.ts shows its shape): `<client/>` and `<priority/>` always,
 * `<voip/>` for a call, and the payload of the first matched `sce+rfc8291+rfc8292` profile;
 * `notify-only` adds nothing.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ArchiveStamp } from './envelope.js';
import { priorityOf } from './match.js';
import type { Push2Facts } from './message-facts.js';
import { PUSH2_NS, type Push2Config, type Push2Match, type Push2Notification } from './push2-types.js';
import { sealPush2 } from './seal.js';

export interface NotificationContext {
  /** Our domain: the message's `from`. */
  from: string;
  /** The message's id. */
  id: string;
  /** RFC 8292 `sub` of any JWT. */
  subject: string;
  /** Now, epoch seconds. */
  nowS: number;
  archiveId?: ArchiveStamp;
}

/** The notification for `config`'s matched profiles, or undefined when none matched (nothing is sent). */
export function push2Notification(config: Push2Config, matched: Push2Match[], stanza: Element, facts: Push2Facts, context: NotificationContext): Push2Notification | undefined {
  if (matched.length === 0) return undefined;
  const notification: Push2Notification = { to: config.service, from: context.from, id: context.id, client: config.client, priority: priorityOf(facts) };
  if (facts.call) notification.voip = true;
  const sce = matched.map((match) => match.send).find((send) => send.kind === 'sce+rfc8291+rfc8292');
  if (sce?.kind === 'sce+rfc8291+rfc8292') {
    const { subject, nowS, archiveId } = context;
    Object.assign(notification, sealPush2(stanza, sce, archiveId ? { subject, nowS, archiveId } : { subject, nowS }));
  }
  return notification;
}

export function buildPush2Message(n: Push2Notification): Element {
  const notification = xml('notification', { xmlns: PUSH2_NS.PUSH2 }, xml('client', {}, n.client), xml('priority', {}, n.priority));
  if (n.voip) notification.append(xml('voip'));
  if (n.encrypted !== undefined) notification.append(xml('encrypted', { xmlns: PUSH2_NS.SCE_RFC8291 }, xml('payload', {}, n.encrypted)));
  if (n.jwt) notification.append(xml('jwt', { key: n.jwt.key }, n.jwt.token));
  return xml('message', { to: n.to, from: n.from, id: n.id }, notification);
}
