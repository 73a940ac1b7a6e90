/**
 * IQ replies (RFC 6120 §8.2.3): every get/set gets exactly one result or error, addressed back
 * to the sender with the same id.
 */
import xml, { type Element } from '@xmpp/xml';
import { StanzaError, toStanzaError } from './stanza-error.js';

export function isIqRequest(stanza: Element): boolean {
  return stanza.name === 'iq' && (stanza.attrs.type === 'get' || stanza.attrs.type === 'set');
}

export function resultReply(iq: Element, ...children: Element[]): Element {
  return xml('iq', { type: 'result', id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to }, ...children);
}

/** RFC 6120 §8.3.1: the error reply; unexpected throws become internal-server-error. */
export function errorReply(stanza: Element, error: unknown): Element {
  const e: StanzaError = toStanzaError(error);
  return xml(
    stanza.name,
    { type: 'error', id: stanza.attrs.id, to: stanza.attrs.from, from: stanza.attrs.to },
    e.toElement(),
  );
}

/** The single payload child of an IQ get/set; RFC 6120 §8.2.3 requires exactly one. */
export function iqPayload(iq: Element): Element {
  const children = iq.getChildElements();
  if (children.length !== 1) {
    throw new StanzaError('bad-request', 'modify', 'an IQ get/set carries exactly one child');
  }
  return children[0]!;
}
