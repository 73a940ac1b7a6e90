/**
 * RFC 6120 §4.9 stream errors the component sends when the server's stream cannot be read on. A
 * stream error is unrecoverable (§4.9.1.1): the stream and the TCP connection close after it,
 * and the component joins again after its reconnect delay.
 */
import xml, { type Element } from '@xmpp/xml';
import { errorSpecOf } from '../core/errors.js';
import { XmlViolation, type XmlViolationCondition } from '../xmpp/xml-violation.js';

/** RFC 6120 §4.9.2: the namespace of stream error conditions and their `<text/>`. */
export const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

/** The §4.9.3 conditions Herald sends: those of XML it refuses (xmpp/xml-violation.ts). */
export type StreamErrorCondition = XmlViolationCondition;

/**
 * The stream error a host of the embedding API closes its stream with, for a refusal of
 * `Herald.handleStanza`, or undefined when the refusal is not about the stream: an XmlViolation
 * carries its own condition; any other refusal its code's (core/errors.ts: §4.9.3.14
 * policy-violation for a stanza over xmpp.max_stanza_bytes or max_stanza_depth that Herald could
 * not answer — it answers IQ get/set itself —, §4.9.3.13 not-well-formed for HERALD_XML_MALFORMED).
 */
export function streamErrorCondition(error: unknown): StreamErrorCondition | undefined {
  if (error instanceof XmlViolation) return error.condition;
  return errorSpecOf(error)?.stream ?? undefined;
}

/** `<stream:error><condition/><text>…</text></stream:error>` (RFC 6120 §4.9.2). */
export function streamErrorElement(condition: StreamErrorCondition, text: string): Element {
  return xml(
    'stream:error',
    {},
    xml(condition, { xmlns: NS_STREAMS }),
    xml('text', { xmlns: NS_STREAMS, 'xml:lang': 'en' }, text),
  );
}
