/**
 * RFC 6120 §8.3 stanza errors. Handlers throw a StanzaError; one place (iq.ts `errorReply`)
 * turns the throw into `<iq type='error'>`. Anything else thrown becomes internal-server-error.
 */
import xml, { type Element } from '@xmpp/xml';
import { isHeraldError } from '../core/errors.js';
import { NS } from './namespaces.js';

/** RFC 6120 §8.3.2 error types. */
export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

/** RFC 6120 §8.3.3 defined conditions. */
export type StanzaErrorCondition =
  | 'bad-request'
  | 'conflict'
  | 'feature-not-implemented'
  | 'forbidden'
  | 'gone'
  | 'internal-server-error'
  | 'item-not-found'
  | 'jid-malformed'
  | 'not-acceptable'
  | 'not-allowed'
  | 'not-authorized'
  | 'policy-violation'
  | 'recipient-unavailable'
  | 'redirect'
  | 'registration-required'
  | 'remote-server-not-found'
  | 'remote-server-timeout'
  | 'resource-constraint'
  | 'service-unavailable'
  | 'subscription-required'
  | 'undefined-condition'
  | 'unexpected-request';

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
      const ns = child.attrs.xmlns as string | undefined;
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

/**
 * Any thrown value as a StanzaError: a full store is RFC 6120 §8.3.3.18 resource-constraint
 * (`wait`: the client may retry later, and XEP-0357 servers keep the registration); other
 * unexpected failures become internal-server-error.
 */
export function toStanzaError(e: unknown): StanzaError {
  if (e instanceof StanzaError) return e;
  if (isHeraldError(e, 'HERALD_STORE_FULL')) return new StanzaError('resource-constraint', 'wait', 'the push store is full; try again later');
  return new StanzaError('internal-server-error', 'wait');
}

export const badRequest = (text: string, app?: AppCondition) => new StanzaError('bad-request', 'modify', text, app);
