/**
 * Push 2.0's `<enable/>` and `<disable/>` (`urn:xmpp:push2:0`) as registration changes:
 *
 *   <iq type='set'><enable xmlns='urn:xmpp:push2:0'><service/><client/><match …/>…</enable></iq>
 *   <iq type='set'><disable xmlns='urn:xmpp:push2:0'/></iq>
 *
 * A registration belongs to the session that sent the enable (mod_push2 keys it by the SASL2
 * client id, else the resource; the host hands Herald the resource): re-enabling from that
 * session replaces it, and the disable, which names nothing, removes it. It is stored as
 * (user, PUSH2_SCOPE, resource), beside the user's XEP-0357 registrations and counted in the
 * same `xmpp_server.max_registrations_per_user`.
 */
import type { Element } from '@xmpp/xml';
import { isIqRequest, iqPayload } from '../../xmpp/iq.js';
import { bareJid, isBareJidOf, parseJid } from '../../xmpp/jid.js';
import { readPush2Enable } from '../../xmpp/push2/enable-reader.js';
import { PUSH2_NS } from '../../xmpp/push2/push2-types.js';
import { StanzaError, badRequest } from '../../xmpp/stanza-error.js';
import { attr } from '../../xmpp/attr.js';
import type { DisableRequest } from '../disable-request.js';
import type { EnableRequest } from '../enable-request.js';
import { checkKeyLength, type PushCommand } from '../push-iq.js';
import { PUSH2_SCOPE } from '../registration.js';

/** The Push 2.0 command an IQ get/set carries, if any. */
export function push2CommandOf(stanza: Element): PushCommand | undefined {
  if (!isIqRequest(stanza)) return undefined;
  for (const child of stanza.children) {
    if (typeof child === 'string') continue;
    if ((child.name === 'enable' || child.name === 'disable') && child.getNS() === PUSH2_NS.PUSH2) return child.name;
  }
  return undefined;
}

/** Throws the StanzaError to answer with (see `checkPush2Iq`, and enable-reader.ts for the element). */
export function parsePush2Enable(iq: Element): EnableRequest {
  const { user, session, payload } = checkPush2Iq(iq, 'enable');
  const push2 = readPush2Enable(payload);
  checkKeyLength(user, PUSH2_SCOPE, session);
  return { user, pubsubJid: PUSH2_SCOPE, node: session, publishOptions: {}, push2 };
}

export function parsePush2Disable(iq: Element): DisableRequest {
  const { user, session } = checkPush2Iq(iq, 'disable');
  return { user, pubsubJid: PUSH2_SCOPE, node: session };
}

/**
 * As XEP-0357's (push-iq.ts): one payload (RFC 6120 §8.2.3), an IQ of type set, sent by the
 * user (`from` stamped by the host) to their own account. And sent by a bound session: the
 * registration is that session's, so a `from` without a resource is modify/bad-request.
 */
function checkPush2Iq(iq: Element, command: PushCommand): { user: string; session: string; payload: Element } {
  const payload = iqPayload(iq);
  if (payload.name !== command || payload.getNS() !== PUSH2_NS.PUSH2) throw badRequest(`expected <${command} xmlns='${PUSH2_NS.PUSH2}'/>`);
  if (iq.attrs.type !== 'set') throw new StanzaError('not-allowed', 'cancel', `<${command}/> is sent in an IQ of type set`);
  const from = attr(iq, 'from');
  if (!from) throw badRequest('the IQ has no sender');
  const session = parseJid(from).resource;
  if (!session) throw badRequest(`Push 2.0 is ${command}d by a session: the sender must be a full JID`);
  const user = bareJid(from);
  const to = attr(iq, 'to');
  if (to !== undefined && to !== '' && !isBareJidOf(to, user)) throw new StanzaError('not-allowed', 'cancel', `push is ${command}d on your own account only`);
  return { user, session, payload };
}
