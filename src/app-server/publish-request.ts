/**
 * Parses the XEP-0357 §7 notification publish (XMPP server → App Server) into a PushPublish:
 *
 *   <iq type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'>
 *     <publish node='…'><item><notification xmlns='urn:xmpp:push:0'><x …summary…/></notification></item></publish>
 *     <publish-options><x …/></publish-options>
 *   </pubsub></iq>
 *
 * Pure wire code: no node lookup, no authorisation (the node's actor does both).
 */
import type { Element } from '@xmpp/xml';
import { parseDataForm, singleValues } from '../xmpp/data-form.js';
import { iqPayload } from '../xmpp/iq.js';
import { NS } from '../xmpp/namespaces.js';
import { parseEncryptedElement } from '../xmpp/push-encryption.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { badRequest } from '../xmpp/stanza-error.js';
import { nodeIdRequired, wrongIqType } from './pubsub-errors.js';
import { parseSummary } from './summary-form.js';
import { attr } from '../xmpp/attr.js';

/** Form types accepted for publish-options: XEP-0060 §7.1.5 says `submit`; `form` is tolerated. */
const OPTIONS_FORM_TYPES: ReadonlySet<string> = new Set(['submit', 'form']);

/** True when the IQ is a pubsub `<publish/>` (so the caller routes it here). */
export function isPublishRequest(iq: Element): boolean {
  const pubsub = iq.getChild('pubsub', NS.PUBSUB);
  return pubsub?.getChildElements()[0]?.name === 'publish';
}

/**
 * @param serviceJid the App Server's JID, used when the IQ carries no `to` (in-process routing).
 * @throws StanzaError for the malformed requests XEP-0357 §7 / XEP-0060 §7.1.3 list.
 */
export function parsePublishRequest(iq: Element, serviceJid: string): PushPublish {
  if (iq.attrs.type !== 'set') throw wrongIqType('set', 'a publish');
  const from = attr(iq, 'from');
  if (!from) throw badRequest('a publish must say who publishes (no from)');
  const pubsub = iqPayload(iq);
  if (!pubsub.is('pubsub', NS.PUBSUB)) throw badRequest('a publish is a <pubsub/> request');
  const publish = pubsub.getChild('publish');
  if (!publish) throw badRequest('no <publish/> in the request');

  // XEP-0060 §7.1.3.3 / §7.2.3.3: the publish must name its node.
  const node = attr(publish, 'node');
  if (!node) throw nodeIdRequired();

  // XEP-0357 §6: "the first payload child of the item MUST be a <notification/>".
  const items = publish.getChildren('item');
  if (items.length !== 1) throw badRequest('a push publish carries exactly one item');
  const payload = items[0]!.getChildElements()[0];
  if (!payload?.is('notification', NS.PUSH)) {
    throw badRequest("the item's first payload child must be <notification xmlns='urn:xmpp:push:0'/>");
  }
  const summary = parseSummary(payload);
  const parsed: PushPublish = { from, to: attr(iq, 'to') ?? serviceJid, node, summary, publishOptions: readOptions(pubsub) };
  // Tigase encrypt §4.4: kept as opaque base64 for the device, never decrypted here.
  const encrypted = parseEncryptedElement(payload);
  if (encrypted) parsed.encrypted = encrypted;
  return parsed;
}

/**
 * The publish-options as single values; none = empty. Whether they suffice (device_id and
 * service, XEP-0060 §7.1.5 precondition-not-met otherwise) depends on the node — one made by a
 * register command knows its device — so the node's actor decides.
 */
function readOptions(pubsub: Element): Record<string, string> {
  const x = pubsub.getChild('publish-options')?.getChild('x', NS.DATA);
  if (!x) return {};
  const form = parseDataForm(x);
  if (!OPTIONS_FORM_TYPES.has(form.type)) throw badRequest(`publish-options form of type ${form.type.slice(0, 16)}`);
  // XEP-0060 §7.1.5: the form's FORM_TYPE is pubsub#publish-options (absence is tolerated).
  if (form.formType !== undefined && form.formType !== NS.PUBSUB_PUBLISH_OPTIONS) {
    throw badRequest('publish-options must have FORM_TYPE http://jabber.org/protocol/pubsub#publish-options');
  }
  return singleValues(form);
}
