/**
 * IQ replies (RFC 6120 §8.2.3): every get/set gets exactly one result or error, addressed back
 * to the sender with the same id.
 */
import xml, { type Element } from '@xmpp/xml';
import { StanzaError, toStanzaError } from './stanza-error.js';

export function isIqRequest(stanza: Element): boolean {
  return stanza.name === 'iq' && (stanza.attrs.type === 'get' || stanza.attrs.type === 'set');
}

/**
 * What a reply needs of a request: its name and addressing. Handlers that await keep this
 * instead of the request element, so the parsed tree (~10 KB for a publish IQ) dies young
 * instead of being kept, and copied by the GC, while the answer travels.
 */
export interface StanzaHead {
  name: string;
  attrs: { id?: string; from?: string; to?: string };
}

export function headOf(stanza: Element): StanzaHead {
  const { id, from, to } = stanza.attrs as StanzaHead['attrs'];
  return { name: stanza.name, attrs: { id, from, to } };
}

export function resultReply(iq: StanzaHead, ...children: Element[]): Element {
  return xml('iq', { type: 'result', id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to }, ...children);
}

/** RFC 6120 §8.3.1: the error reply; unexpected throws become internal-server-error. */
export function errorReply(stanza: StanzaHead, error: unknown): Element {
  const e: StanzaError = toStanzaError(error);
  return xml(
    stanza.name,
    { type: 'error', id: stanza.attrs.id, to: stanza.attrs.from, from: stanza.attrs.to },
    e.toElement(),
  );
}

/** The single payload child of an IQ get/set; RFC 6120 §8.2.3 requires exactly one. */
export function iqPayload(iq: Element): Element {
  // A loop rather than getChildElements(): no array for the one child.
  let payload: Element | undefined;
  let count = 0;
  for (const child of iq.children) {
    if (typeof child === 'string') continue;
    if (++count > 1) break;
    payload = child;
  }
  if (count !== 1) {
    throw new StanzaError('bad-request', 'modify', 'an IQ get/set carries exactly one child');
  }
  return payload!;
}
