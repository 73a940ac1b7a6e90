/**
 * The limits every received stanza is parsed under ([xmpp] in the config), and the refusal of a
 * stanza over them. RFC 6120 §13.12 lets an entity set a maximum stanza size; the depth limit
 * follows from the same clause's concern (resource exhaustion through well-formed but huge XML).
 */
import xml, { type Element } from '@xmpp/xml';
import { HeraldError } from '../core/errors.js';
import { errorReply, headOf, isIqRequest } from './iq.js';
import { toStanzaError } from './stanza-error.js';

export interface StanzaLimits {
  /** `xmpp.max_stanza_bytes`: UTF-8 bytes from a stanza's `<` to the `>` that ends it. */
  maxBytes: number;
  /** `xmpp.max_stanza_depth`: levels of elements below the stanza element (its children are level 1). */
  maxDepth: number;
}

/** The config defaults, for callers that only care about the size (tests, benchmarks). */
export const DEFAULT_MAX_STANZA_DEPTH = 32;

export function stanzaLimitsOf(xmppConfig: { max_stanza_bytes: number; max_stanza_depth: number }): StanzaLimits {
  return { maxBytes: xmppConfig.max_stanza_bytes, maxDepth: xmppConfig.max_stanza_depth };
}

export type StanzaLimit = 'bytes' | 'depth';

/**
 * A well-formed stanza over a limit. `head` is its top element with its attributes and no
 * children, when its start tag was read within the size limit: enough to answer an IQ.
 */
export class StanzaOverLimit extends HeraldError {
  constructor(
    readonly limit: StanzaLimit,
    readonly limitValue: number,
    readonly head: Element | undefined,
  ) {
    super(limit === 'bytes' ? 'HERALD_STANZA_TOO_LARGE' : 'HERALD_STANZA_TOO_DEEP', limitText(limit, limitValue));
  }
}

function limitText(limit: StanzaLimit, value: number): string {
  return limit === 'bytes' ? `the stanza exceeds the limit of ${value} bytes` : `the stanza nests elements deeper than ${value} levels`;
}

/** The top element alone: name and a copy of the attributes. */
export function headElement(element: Element): Element {
  return xml(element.name, { ...element.attrs });
}

/**
 * The answer to a stanza over a limit: an IQ get/set gets its code's stanza error (core/errors.ts:
 * modify/policy-violation, RFC 6120 §8.3.3.12) naming the limit (§8.2.3: every get/set is
 * answered); anything else (message, presence, IQ result/error) has no answer and is dropped.
 */
export function overLimitReply(refusal: StanzaOverLimit): Element | undefined {
  const { head } = refusal;
  if (!head || !isIqRequest(head)) return undefined;
  return errorReply(headOf(head), toStanzaError(refusal, limitText(refusal.limit, refusal.limitValue)));
}
