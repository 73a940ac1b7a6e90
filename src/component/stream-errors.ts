/**
 * RFC 6120 §4.9 stream errors the component sends when the server hands it a stanza it cannot
 * take. A stream error is unrecoverable (§4.9.1.1): the stream and the TCP connection close after
 * it, and the component joins again after its reconnect delay.
 */
import xml, { type Element } from '@xmpp/xml';
import { isHeraldError } from '../core/errors.js';

/** RFC 6120 §4.9.2: the namespace of stream error conditions and their `<text/>`. */
export const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

export type StreamErrorCondition = 'policy-violation' | 'not-well-formed';

/**
 * The condition for a refusal of Herald's, or undefined when the refusal is not about the stream:
 * - §4.9.3.18 policy-violation: "a stanza exceeds a configured size limit" (xmpp.max_stanza_bytes);
 * - §4.9.3.13 not-well-formed: "the initiating entity has sent XML that violates the
 *   well-formedness rules".
 */
export function streamErrorCondition(error: unknown): StreamErrorCondition | undefined {
  if (isHeraldError(error, 'HERALD_STANZA_TOO_LARGE')) return 'policy-violation';
  if (isHeraldError(error, 'HERALD_XML_MALFORMED')) return 'not-well-formed';
  return undefined;
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
