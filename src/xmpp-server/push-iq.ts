/**
 * What `<enable/>` and `<disable/>` (XEP-0357 §5, §6) have in common: an IQ-set from the user,
 * addressed to the user's own account, naming an App Server by `jid`.
 */
import type { Element } from '@xmpp/xml';
import { isIqRequest, iqPayload } from '../xmpp/iq.js';
import { bareJid, isBareJidOf, parseJid } from '../xmpp/jid.js';
import { NS } from '../xmpp/namespaces.js';
import { StanzaError, badRequest } from '../xmpp/stanza-error.js';
import { keyFits, registrationKey } from './registration.js';
import { attr } from '../xmpp/attr.js';

export type PushCommand = 'enable' | 'disable';

/** The push command an IQ get/set carries, if any (the host routes only these to the role). */
export function pushCommandOf(stanza: Element): PushCommand | undefined {
  if (!isIqRequest(stanza)) return undefined;
  for (const child of stanza.children) {
    if (typeof child === 'string') continue;
    if ((child.name === 'enable' || child.name === 'disable') && child.getNS() === NS.PUSH) {
      return child.name;
    }
  }
  return undefined;
}

export interface CheckedPushIq {
  /** The requesting user's bare JID: the first part of the registration key. */
  user: string;
  /** The `<enable/>` or `<disable/>` element. */
  payload: Element;
  /** The App Server's pubsub JID from `jid`, normalised (RFC 7622 via @xmpp/jid). */
  pubsubJid: string;
}

/**
 * Checks shared by enable and disable; each failure is the StanzaError the client gets.
 * - RFC 6120 §8.2.3: a get/set carries exactly one payload child (else modify/bad-request).
 * - XEP-0357 §5/§6 use IQ-set; a `get` is answered cancel/not-allowed (as MongooseIM does).
 * - The sender is the user: `from` is stamped by the host (RFC 6120 §8.1.2.1); missing →
 *   modify/bad-request, malformed → modify/jid-malformed.
 * - XEP-0357 §5: the request goes to the user's own account, i.e. carries no `to` or the user's
 *   bare JID. Anything else (another user, a full JID, a domain) is cancel/not-allowed: no one may
 *   enable push on someone else's account, whatever their rights (not-allowed, not forbidden).
 * - `jid` is required: missing/empty → modify/bad-request, malformed → modify/jid-malformed.
 */
export function checkPushIq(iq: Element, command: PushCommand): CheckedPushIq {
  const payload = iqPayload(iq);
  if (payload.name !== command || payload.getNS() !== NS.PUSH) {
    throw badRequest(`expected <${command} xmlns='${NS.PUSH}'/>`);
  }
  if (iq.attrs.type !== 'set') {
    throw new StanzaError('not-allowed', 'cancel', `<${command}/> is sent in an IQ of type set`);
  }
  const from = attr(iq, 'from');
  if (!from) throw badRequest('the IQ has no sender');
  const user = bareJid(from);

  const to = attr(iq, 'to');
  if (to !== undefined && to !== '' && !isBareJidOf(to, user)) {
    throw new StanzaError('not-allowed', 'cancel', `push is ${command}d on your own account only`);
  }

  const jid = attr(payload, 'jid');
  if (!jid) throw badRequest(`<${command}/> needs a jid attribute`);
  const pubsubJid = parseJid(jid).toString();
  return { user, payload, pubsubJid };
}

/** Node attribute as given; '' counts as present and is refused by the callers. */
export function nodeAttr(payload: Element): string | undefined {
  return attr(payload, 'node');
}

/**
 * LMDB caps key length, so a registration whose JIDs and node are too long to store is refused
 * with modify/not-acceptable rather than failing later in the store.
 */
export function checkKeyLength(user: string, pubsubJid: string, node: string): void {
  if (!keyFits(registrationKey(user, pubsubJid, node))) {
    throw new StanzaError('not-acceptable', 'modify', 'the jid and node are too long to store');
  }
}
