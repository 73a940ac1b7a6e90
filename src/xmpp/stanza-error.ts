/**
 * RFC 6120 §8.3 stanza errors. Handlers throw a StanzaError; one place (iq.ts `errorReply`)
 * turns the throw into `<iq type='error'>`. Anything else thrown becomes internal-server-error.
 */
import xml, { type Element } from '@xmpp/xml';
import { errorSpecOf, type XmppAnswer } from '../core/errors.js';
import { NS } from './namespaces.js';
import { attr } from './attr.js';
import type { StanzaErrorCondition, StanzaErrorType } from '../core/answer-vocabulary.js';

export type { StanzaErrorCondition, StanzaErrorType } from '../core/answer-vocabulary.js';

/** An application-specific condition element (RFC 6120 §8.3.4), e.g. pubsub#errors ones. */
export interface AppCondition {
  name: string;
  xmlns: string;
  attrs?: Record<string, string>;
}

export class StanzaError extends Error {
  override readonly name = 'StanzaError';
  constructor(
    readonly condition: StanzaErrorCondition,
    readonly type: StanzaErrorType,
    readonly text?: string,
    readonly appCondition?: AppCondition,
  ) {
    super(text ? `${type}/${condition}: ${text}` : `${type}/${condition}`);
  }

  /** The `<error/>` child of an error stanza. */
  toElement(): Element {
    const el = xml('error', { type: this.type }, xml(this.condition, { xmlns: NS.STANZAS }));
    if (this.text) el.append(xml('text', { xmlns: NS.STANZAS, 'xml:lang': 'en' }, this.text));
    if (this.appCondition) {
      el.append(xml(this.appCondition.name, { xmlns: this.appCondition.xmlns, ...this.appCondition.attrs }));
    }
    return el;
  }

  /** Reads the `<error/>` child of an error stanza received from a peer. */
  static fromStanza(stanza: Element): StanzaError {
    const error = stanza.getChild('error');
    const type = (error?.attrs.type as StanzaErrorType | undefined) ?? 'cancel';
    let condition: StanzaErrorCondition = 'undefined-condition';
    let text: string | undefined;
    let app: AppCondition | undefined;
    for (const child of error?.getChildElements() ?? []) {
      const ns = attr(child, 'xmlns');
      if (ns === NS.STANZAS) {
        if (child.name === 'text') text = child.getText();
        else condition = child.name as StanzaErrorCondition;
      } else if (ns) {
        app = { name: child.name, xmlns: ns };
      }
    }
    return new StanzaError(condition, TYPES.has(type) ? type : 'cancel', text, app);
  }
}

const TYPES = new Set<StanzaErrorType>(['auth', 'cancel', 'continue', 'modify', 'wait']);

/** Anything else thrown: RFC 6120 §8.3.3.6 internal-server-error, `wait` so that no XEP-0357 server drops a registration for our failure. */
const UNEXPECTED: XmppAnswer = { type: 'wait', condition: 'internal-server-error' };

/**
 * Any thrown value as a StanzaError: a StanzaError as it is, a HeraldError as its code's row of
 * the registry (core/errors.ts) says, anything else internal-server-error. `text` replaces the
 * row's own text (the thrower knows more, e.g. which limit was crossed).
 */
export function toStanzaError(e: unknown, text?: string): StanzaError {
  if (e instanceof StanzaError) return e;
  const answer = errorSpecOf(e)?.xmpp ?? UNEXPECTED;
  return new StanzaError(answer.condition, answer.type, text ?? answer.text);
}

/** True when the throw is a refusal the registry answers, not a failure worth a log line. */
export function isAnsweredRefusal(e: unknown): boolean {
  return e instanceof StanzaError || Boolean(errorSpecOf(e)?.xmpp);
}

export const badRequest = (text: string, app?: AppCondition) => new StanzaError('bad-request', 'modify', text, app);
