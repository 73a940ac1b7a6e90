/**
 * XML Herald will not read, with the RFC 6120 §4.9.3 stream error condition that names why. On a
 * stream the condition is sent as the stream error; on the embedding API it travels with the
 * HERALD_XML_MALFORMED refusal, so a host can close its own stream with it.
 */
import type { XmlViolationCondition } from '../core/answer-vocabulary.js';
import { HeraldError } from '../core/errors.js';

export type { XmlViolationCondition } from '../core/answer-vocabulary.js';

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
