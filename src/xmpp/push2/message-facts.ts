/**
 * What Push 2.0 matching needs to know of one stanza, read once per message (mod_push2's rules,
 * Push 2.0 draft "Match profiles"):
 * - a call (XEP-0353 `<propose/>` or `<retract/>`) is important and rings;
 * - presence, a headline, an outgoing carbon (XEP-0280 `<sent/>`) and a correction (XEP-0308)
 *   are never important; a `<received/>` carbon is judged by the message it forwards;
 * - otherwise a message is important when it has a body: a non-empty `<body/>`, or an end-to-end
 *   encrypted payload the server cannot read (OMEMO, XEP-0027, XEP-0373);
 * - the room's echo of the user's own groupchat message (from the user's nick, when the host
 *   knows it) is not important either;
 * - archived: the user's server stamped it with its own XEP-0359 `<stanza-id by='user'/>` when it
 *   stored it (XEP-0313 §5.8.1), unless the caller says otherwise.
 */
import type { Element } from '@xmpp/xml';
import { attr } from '../attr.js';
import { parseJid } from '../jid.js';
import { ENCRYPTED_PAYLOADS, MESSAGE_NS } from './message-namespaces.js';

/** A JID read once, in the three forms filters compare with (full, bare, domain). */
export interface JidForms {
  full: string;
  bare: string;
  domain: string;
  resource?: string;
}

export interface Push2Facts {
  /** XEP-0353 call set-up or cancellation: rings the device (priority high, `<voip/>`). */
  call: boolean;
  important: boolean;
  archived: boolean;
  /** A non-empty body or an encrypted payload (the `archived-with-body` profile). */
  hasBody: boolean;
  /** The `<body/>` text, for mentions; absent when there is none. */
  body?: string;
  /** The sender of the message judged (a received carbon's inner message): the chat filters name. */
  from?: JidForms;
  /** XEP-0461 `<reply to=…/>`: whose message this one answers. */
  replyTo?: JidForms;
  /** The user's own XEP-0359 stanza-id, the archive (MAM) id. */
  archiveId?: string;
}

/**
 * `user`: the recipient's bare JID; `archived` overrides what the stanza-id says (the host knows);
 * `roomNick`: the user's nick in the room of a groupchat message.
 */
export function push2Facts(stanza: Element, user: string, archived?: boolean, roomNick?: string): Push2Facts {
  const archiveId = ownStanzaId(stanza, user);
  if (stanza.name !== 'message') return { call: false, important: false, archived: archived ?? archiveId !== undefined, hasBody: false };
  const carbon = carbonOf(stanza);
  const message = carbon?.message ?? stanza;
  const call = callIn(message);
  const body = message.getChildText('body') ?? undefined;
  const hasBody = (body !== undefined && body !== '') || ENCRYPTED_PAYLOADS.some(({ name, xmlns }) => message.getChild(name, xmlns) !== undefined);
  const from = jidForms(attr(message, 'from'));
  const type = attr(message, 'type');
  const reflection = type === 'groupchat' && roomNick !== undefined && from?.resource === roomNick;
  const never = type === 'headline' || reflection || carbon?.direction === 'sent' || message.getChild('replace', MESSAGE_NS.MESSAGE_CORRECT) !== undefined;
  const ownId = archiveId ?? (carbon ? ownStanzaId(message, user) : undefined);
  const facts: Push2Facts = { call, important: call || (!never && hasBody), archived: archived ?? ownId !== undefined, hasBody };
  if (body !== undefined) facts.body = body;
  if (from) facts.from = from;
  const replyTo = jidForms(attr(message.getChild('reply', MESSAGE_NS.REPLY), 'to'));
  if (replyTo) facts.replyTo = replyTo;
  if (ownId !== undefined) facts.archiveId = ownId;
  return facts;
}

/**
 * Whether the stanza is a call (`Push2Facts.call`) without reading the rest of its facts: what
 * decides whether a registration whose session is available is pushed at all.
 */
export function isCall(stanza: Element): boolean {
  return stanza.name === 'message' && callIn(carbonOf(stanza)?.message ?? stanza);
}

/** XEP-0353: `<propose/>` sets a call up, `<retract/>` cancels it; both ring. */
function callIn(message: Element): boolean {
  return message.getChild('propose', MESSAGE_NS.JINGLE_MESSAGE) !== undefined || message.getChild('retract', MESSAGE_NS.JINGLE_MESSAGE) !== undefined;
}

/** XEP-0280 §7: `<sent/>` or `<received/>` wrapping `<forwarded><message/></forwarded>`. */
function carbonOf(stanza: Element): { direction: 'sent' | 'received'; message: Element } | undefined {
  for (const direction of ['received', 'sent'] as const) {
    const message = stanza.getChild(direction, MESSAGE_NS.CARBONS)?.getChild('forwarded', MESSAGE_NS.FORWARD)?.getChild('message');
    if (message) return { direction, message };
  }
  return undefined;
}

/** XEP-0359 §3: the stanza-id whose `by` is the user's bare JID (a MUC's own ids are the room's archive). */
export function ownStanzaId(stanza: Element, user: string): string | undefined {
  const stamp = stanza.getChildren('stanza-id', MESSAGE_NS.SID).find((el) => attr(el, 'by') === user);
  return attr(stamp, 'id');
}

/** The forms of a JID, or undefined when there is none or it is malformed (it then matches no filter). */
export function jidForms(text: string | undefined): JidForms | undefined {
  if (!text) return undefined;
  try {
    const jid = parseJid(text);
    const forms: JidForms = { full: jid.toString(), bare: jid.bare().toString(), domain: jid.domain };
    if (jid.resource) forms.resource = jid.resource;
    return forms;
  } catch {
    return undefined;
  }
}
