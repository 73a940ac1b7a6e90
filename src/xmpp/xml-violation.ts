/**
 * XML Herald will not read, with the RFC 6120 §4.9.3 stream error condition that names why. On a
 * stream the condition is sent as the stream error; on the embedding API it travels with the
 * HERALD_XML_MALFORMED refusal, so a host can close its own stream with it.
 */
import { HeraldError } from '../core/errors.js';

/**
 * - §4.9.3.1 bad-format: XML that cannot be processed (here: text between stanzas, which XMPP
 *   does not define);
 * - §4.9.3.2 bad-namespace-prefix: a prefix that no `xmlns:prefix` in scope declares;
 * - §4.9.3.10 invalid-namespace: a stream header outside 'http://etherx.jabber.org/streams' (§4.8.1);
 * - §4.9.3.13 not-well-formed: XML 1.0 or Namespaces in XML well-formedness is violated;
 * - §4.9.3.14 policy-violation: the stream cut-off (`xmpp.stream_cutoff_bytes`) is reached;
 * - §4.9.3.18 restricted-xml: a comment, processing instruction, DTD or entity reference (§11.1);
 * - §4.9.3.22 unsupported-encoding: bytes that are not UTF-8 (§11.6), or another declared encoding.
 */
export type XmlViolationCondition =
  | 'bad-format'
  | 'bad-namespace-prefix'
  | 'invalid-namespace'
  | 'not-well-formed'
  | 'policy-violation'
  | 'restricted-xml'
  | 'unsupported-encoding';

export class XmlViolation extends HeraldError {
  constructor(
    readonly condition: XmlViolationCondition,
    /** What was refused, for the stream error's `<text/>` and the log. */
    override readonly detail: string,
  ) {
    super(condition === 'policy-violation' ? 'HERALD_STANZA_TOO_LARGE' : 'HERALD_XML_MALFORMED', `${condition}: ${detail}`);
  }
}

/**
 * saxes reports every well-formedness error through one callback, as a message. Two of them are
 * RFC 6120 §11.1 restrictions rather than plain syntax errors: an entity XML does not predefine
 * (`&foo;`: there is no DTD to declare it) and a DOCTYPE after the root element opened.
 */
const RESTRICTED_XML_MESSAGES: readonly string[] = ['undefined entity.', 'inappropriately located doctype declaration.'];

/** The violation for an error saxes reported (its message is "line:column: what"). */
export function violationOfParserError(error: Error): XmlViolation {
  const restricted = RESTRICTED_XML_MESSAGES.some((m) => error.message.endsWith(m));
  return new XmlViolation(restricted ? 'restricted-xml' : 'not-well-formed', error.message);
}
