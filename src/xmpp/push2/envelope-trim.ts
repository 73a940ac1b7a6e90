/**
 * Fitting a stanza into the envelope bound (envelope-bound.ts), in the order the Push 2.0 draft
 * suggests and mod_push2 follows: drop what a notification does not need, then shorten the
 * body, then keep only the body, the archive id and a call. The stanza-id is never dropped (the
 * draft: "SHOULD keep at least the MAM id"), so the client can fetch the whole message.
 */
import xml, { type Element } from '@xmpp/xml';
import { attr } from '../attr.js';
import { NS } from '../namespaces.js';
import { truncate } from '../truncate.js';
import { MESSAGE_NS } from './message-namespaces.js';

/** Payloads a notification shows or acts on: kept at the first step. */
const USEFUL_NAMESPACES = new Set<string>([
  MESSAGE_NS.SID,
  MESSAGE_NS.OMEMO_LEGACY,
  MESSAGE_NS.OMEMO_2,
  MESSAGE_NS.PGP_LEGACY,
  MESSAGE_NS.OPENPGP,
  MESSAGE_NS.OOB,
  MESSAGE_NS.JINGLE_MESSAGE,
  MESSAGE_NS.CONFERENCE,
  MESSAGE_NS.MUC_USER,
  MESSAGE_NS.REPLY,
]);
/** What the last step keeps: the text, the archive id, a call. */
const ESSENTIAL_NAMESPACES = new Set<string>([MESSAGE_NS.SID, MESSAGE_NS.JINGLE_MESSAGE]);

/** `size(message)`: the envelope's bytes around it. Returns `message` itself when it fits, else a trimmed copy. */
export function fitStanza(message: Element, size: (message: Element) => number, bound: number): Element {
  if (size(message) <= bound) return message;
  // Attributes beyond RFC 6120's go with the elements: a sender may add any, of any length.
  const plain = xml(message.name, stanzaAttributes(message), ...message.getChildElements());
  const useful = keepChildren(plain, (child) => isBody(child) || USEFUL_NAMESPACES.has(attr(child, 'xmlns') ?? ''));
  if (size(useful) <= bound) return useful;
  const shortened = shortenBody(useful, size, bound);
  if (shortened) return shortened;
  const essential = keepChildren(plain, (child) => isBody(child) || ESSENTIAL_NAMESPACES.has(attr(child, 'xmlns') ?? ''));
  // Still over (JIDs of kilobytes in from and to): the archive id alone remains.
  return shortenBody(essential, size, bound) ?? keepChildren(plain, (child) => attr(child, 'xmlns') === MESSAGE_NS.SID);
}

/** RFC 6120 §8.1's stanza attributes, and the namespace. */
const STANZA_ATTRIBUTES = ['xmlns', 'to', 'from', 'id', 'type', 'xml:lang'];

function stanzaAttributes(message: Element): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of STANZA_ATTRIBUTES) {
    const value = attr(message, name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** The longest truncation of the first body (others are translations, dropped) that fits, or undefined when even "…" does not. */
function shortenBody(message: Element, size: (message: Element) => number, bound: number): Element | undefined {
  const body = message.getChildElements().find(isBody);
  if (!body) return size(message) <= bound ? message : undefined;
  const text = body.getText();
  const withBody = (chars: number) =>
    keepChildren(message, (child) => !isBody(child) || child === body, (child) => (child === body ? xml('body', body.attrs, truncate(text, chars)) : child));
  // Binary search on code points: the serialised size grows with the body (XML escapes only add).
  let low = 0;
  let high = Array.from(text).length;
  if (size(withBody(low)) > bound) return undefined;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (size(withBody(middle)) <= bound) low = middle;
    else high = middle - 1;
  }
  return withBody(low);
}

/** A copy of `message` (attributes as they are) with the child elements `keep` accepts, each through `map`. */
function keepChildren(message: Element, keep: (child: Element) => boolean, map: (child: Element) => Element = (child) => child): Element {
  const kept = message.getChildElements().filter(keep).map(map);
  return xml(message.name, message.attrs, ...kept);
}

/** A `<body/>` of the stanza's own namespace (RFC 6120 §5.2.3). */
function isBody(child: Element): boolean {
  const ns = attr(child, 'xmlns');
  return child.name === 'body' && (ns === undefined || ns === NS.CLIENT);
}
