/**
 * Which shard a stanza belongs to, read from its text without parsing it (the main thread only
 * moves bytes; the shard parses). The key is the one the roles themselves act on:
 * - a `<message/>`: the recipient user, bare(to) (XEP-0357 §7: the user's server pushes for them);
 *   but a message to the App Server's JID (a Push 2.0 notification): the push node its `<client/>`
 *   names (app-server/push2-client.ts), so it lands where the node's actor is (any other shard
 *   would forward it there);
 * - an IQ to the App Server's JID: the push node it names (the first `node` attribute: publish,
 *   create, configure, delete, affiliations, disco), else the requester bare(from);
 * - any other IQ get/set (`<enable/>`/`<disable/>`, XEP-0357 §5/§6): the requester bare(from);
 * - an IQ result/error: the shard that sent the request, written into the request's id; so is a
 *   message error answering a Push 2.0 notification a shard sent.
 * A bare JID is normalised exactly as the roles do (xmpp/jid.ts `bareJid`), with a fast path for
 * plain ASCII JIDs, so one user always lands on one shard. Text the scan cannot read goes to
 * shard 0, whose parser answers it as any malformed stanza.
 */
import type { Element } from '@xmpp/xml';
import { bareJid } from '../xmpp/jid.js';
import { shardOf } from './shard-of.js';
import { attr } from '../xmpp/attr.js';
import { readPush2Client } from '../app-server/push2-client.js';
import { push2NotificationOf } from '../xmpp/push2/notification-reader.js';

/** The fields of a stanza's start tag routing needs. */
export interface StanzaHead {
  name: string;
  type: string | undefined;
  to: string | undefined;
  from: string | undefined;
  id: string | undefined;
}

export interface ShardRouting {
  shards: number;
  /** The App Server's pubsub JID (lower case). */
  appServerJid: string;
  /** The shard that sent an IQ with this id (its request ids carry it), or undefined. */
  shardOfRequestId(id: string): number | undefined;
}

/** The shard of a stanza given as text. */
export function shardOfText(text: string, routing: ShardRouting): number {
  const head = readHead(text);
  if (!head) return 0;
  return shardOfHead(head, routing, () => firstNodeAttribute(text, head.end), () => firstClientText(text, head.end));
}

/** The shard of a stanza a host handed over parsed. */
export function shardOfElement(stanza: Element, routing: ShardRouting): number {
  const a = stanza.attrs as Record<string, string | undefined>;
  const head = { name: localName(stanza.name), type: a.type, to: a.to, from: a.from, id: a.id };
  return shardOfHead(head, routing, () => firstNodeOf(stanza), () => push2NotificationOf(stanza)?.getChildText('client') ?? undefined);
}

/** The shard of a user (full or bare JID; session events). */
export function shardOfJid(jid: string, shards: number): number {
  return shardOf(routingJid(jid), shards);
}

function shardOfHead(head: StanzaHead, routing: ShardRouting, node: () => string | undefined, client: () => string | undefined): number {
  const { shards } = routing;
  if (shards <= 1) return 0;
  if (head.name === 'message') {
    // A Push 2.0 push service's error reply goes back to the shard that sent the notification.
    const sender = head.type === 'error' && head.id ? routing.shardOfRequestId(head.id) : undefined;
    if (sender !== undefined) return sender;
    const push2 = head.to?.toLowerCase() === routing.appServerJid ? readPush2Client(client()?.trim() ?? '') : undefined;
    return push2 ? shardOf(push2.node, shards) : shardOfJid(head.to ?? '', shards);
  }
  if (head.name !== 'iq') return 0;
  if (head.type === 'result' || head.type === 'error') return (head.id && routing.shardOfRequestId(head.id)) || 0;
  if (head.to?.toLowerCase() === routing.appServerJid) {
    const name = node();
    if (name !== undefined) return shardOf(name, shards);
  }
  return shardOfJid(head.from ?? '', shards);
}

/** Plain ASCII JIDs, whose bare form is the text before '/' in lower case (as @xmpp/jid gives it). */
const PLAIN_JID = /^(?:[A-Za-z0-9._+-]+@)?[A-Za-z0-9.-]+(?:\/|$)/;

/** The bare JID the roles key a user by; '' when the text is no JID (the shard refuses it). */
export function routingJid(text: string): string {
  if (PLAIN_JID.test(text)) {
    const slash = text.indexOf('/');
    return (slash < 0 ? text : text.slice(0, slash)).toLowerCase();
  }
  try {
    return bareJid(text);
  } catch {
    return '';
  }
}

interface TextHead extends StanzaHead {
  /** Index just past the start tag's '>'. */
  end: number;
}

/** The start tag's name and attributes (entities decoded), or undefined when it cannot be read. */
export function readHead(text: string): TextHead | undefined {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x3c /* < */) return undefined;
  const nameStart = ++i;
  while (i < text.length && !isSpace(text.charCodeAt(i)) && text[i] !== '>' && text[i] !== '/') i++;
  const head: TextHead = { name: localName(text.slice(nameStart, i)), type: undefined, to: undefined, from: undefined, id: undefined, end: 0 };
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    const c = text[i];
    if (c === undefined) return undefined;
    if (c === '>' || c === '/') {
      const close = text.indexOf('>', i);
      if (close < 0) return undefined;
      head.end = close + 1;
      return head;
    }
    const eq = text.indexOf('=', i);
    if (eq < 0) return undefined;
    const attr = text.slice(i, eq).trim();
    let q = eq + 1;
    while (q < text.length && isSpace(text.charCodeAt(q))) q++;
    const quote = text[q];
    if (quote !== '"' && quote !== "'") return undefined;
    const valueEnd = text.indexOf(quote, q + 1);
    if (valueEnd < 0) return undefined;
    if (attr === 'type' || attr === 'to' || attr === 'from' || attr === 'id') head[attr] = decodeEntities(text.slice(q + 1, valueEnd));
    i = valueEnd + 1;
  }
}

/** The value of the first `node` attribute after the start tag (the pubsub operation's). */
function firstNodeAttribute(text: string, from: number): string | undefined {
  const match = NODE_ATTRIBUTE.exec(text.slice(from, from + NODE_SCAN_CHARS));
  if (!match) return undefined;
  return decodeEntities(match[2]!);
}
/** How far into the payload the `node` attribute is looked for: it is on the first elements. */
const NODE_SCAN_CHARS = 2_048;
const NODE_ATTRIBUTE = /\snode\s*=\s*(["'])(.*?)\1/s;

/** The text of the first `<client>` after the start tag (a Push 2.0 notification's). */
function firstClientText(text: string, from: number): string | undefined {
  const match = CLIENT_ELEMENT.exec(text.slice(from, from + NODE_SCAN_CHARS));
  return match ? decodeEntities(match[1]!) : undefined;
}
const CLIENT_ELEMENT = /<client(?:\s[^>]*)?>([^<]*)<\/client>/;

function firstNodeOf(stanza: Element): string | undefined {
  const payload = stanza.getChildElements()[0];
  if (!payload) return undefined;
  const own = attr(payload, 'node');
  if (own !== undefined) return own;
  return attr(payload.getChildElements()[0], 'node');
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0 §4.6 predefined entities and §4.1 character references. */
function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
