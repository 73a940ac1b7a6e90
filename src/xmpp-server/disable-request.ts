/**
 * XEP-0357 §6 "Disabling Notifications":
 *   <iq type='set'><disable xmlns='urn:xmpp:push:0' jid='pubsub.example.net' [node='…']/></iq>
 * With `node`, one registration goes; without it, every registration of the user on that
 * pubsub JID goes.
 */
import type { Element } from '@xmpp/xml';
import { badRequest } from '../xmpp/stanza-error.js';
import { checkPushIq, nodeAttr } from './push-iq.js';

export interface DisableRequest {
  user: string;
  pubsubJid: string;
  /** Absent: all of the user's registrations on `pubsubJid`. */
  node?: string;
}

/** Throws the StanzaError to answer with; see `checkPushIq` for the shared rules. */
export function parseDisableRequest(iq: Element): DisableRequest {
  const { user, payload, pubsubJid } = checkPushIq(iq, 'disable');
  const node = nodeAttr(payload);
  // An empty node attribute names no node; it is an error rather than "all nodes".
  if (node === '') throw badRequest('the node attribute of <disable/> is empty');
  return node === undefined ? { user, pubsubJid } : { user, pubsubJid, node };
}
