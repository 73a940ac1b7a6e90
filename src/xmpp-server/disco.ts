/**
 * XEP-0357 §4.1 "Account Owner Service Discovery": disco#info (XEP-0030) on the user's bare JID
 * lists `urn:xmpp:push:0` (and the encrypted-payload features). Hosts with their own disco#info handler add the role's `discoFeatures()`;
 * `accountDiscoInfoReply` answers the query on its own for hosts without one.
 */
import xml, { type Element } from '@xmpp/xml';
import { resultReply } from '../xmpp/iq.js';
import { NS } from '../xmpp/namespaces.js';
import { attr } from '../xmpp/attr.js';
import { MATCH_PROFILES, PUSH2_NS } from '../xmpp/push2/push2-types.js';

/** Tigase encrypt §4.1 adds `tigase:push:encrypt:0` and its algorithm's feature (push-encryption.ts). */
export const PUSH_DISCO_FEATURES: readonly string[] = Object.freeze([NS.PUSH, NS.PUSH_ENCRYPT, NS.PUSH_ENCRYPT_AES_128_GCM]);

/**
 * Push 2.0 "Discovering support": the account lists `urn:xmpp:push2:0` "along with the supported
 * match and send profiles" (xmpp-server.ts adds them when `xmpp_server.push2.enabled`).
 */
export const PUSH2_DISCO_FEATURES: readonly string[] = Object.freeze([
  PUSH2_NS.PUSH2,
  ...Object.keys(MATCH_PROFILES),
  PUSH2_NS.SEND_NOTIFY_ONLY,
  PUSH2_NS.SEND_SCE_RFC8291_RFC8292,
]);

/** `<feature var='…'/>` elements of PUSH_DISCO_FEATURES for a disco#info `<query/>`. */
export function pushFeatureElements(): Element[] {
  return PUSH_DISCO_FEATURES.map((feature) => xml('feature', { var: feature }));
}

/** Whether `iq` is a disco#info get (without node) addressed to an account's bare JID. */
export function isAccountDiscoInfo(iq: Element): boolean {
  if (iq.name !== 'iq' || iq.attrs.type !== 'get') return false;
  const query = iq.getChild('query', NS.DISCO_INFO);
  const to = attr(iq, 'to');
  return query !== undefined && !query.attrs.node && (to === undefined || (to.includes('@') && !to.includes('/')));
}

/**
 * The result for an account disco#info: XEP-0030 §3.1 requires at least one identity; an
 * account answers `account/registered` (XEP-0030 registry) plus its features.
 */
export function accountDiscoInfoReply(iq: Element, extraFeatures: readonly string[] = []): Element {
  const features = [...new Set([NS.DISCO_INFO, ...PUSH_DISCO_FEATURES, ...extraFeatures])].sort();
  return resultReply(
    iq,
    xml(
      'query',
      { xmlns: NS.DISCO_INFO },
      xml('identity', { category: 'account', type: 'registered' }),
      ...features.map((feature) => xml('feature', { var: feature })),
    ),
  );
}
