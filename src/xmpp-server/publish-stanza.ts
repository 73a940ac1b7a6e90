/**
 * PushPublish → the XEP-0357 §7 notification publish (pure):
 *
 *   <iq type='set' from=domain to=pubsubJid id=…>
 *     <pubsub xmlns='http://jabber.org/protocol/pubsub'>
 *       <publish node=…><item><notification xmlns='urn:xmpp:push:0'>
 *         <x xmlns='jabber:x:data' type='submit'> FORM_TYPE urn:xmpp:push:summary + fields </x>
 *       </notification></item></publish>
 *       <publish-options><x type='submit'> FORM_TYPE pubsub#publish-options + fields </x></publish-options>
 *     </pubsub>
 *   </iq>
 *
 * The summary form is `submit` with only the fields that have a value (Prosody sends a `form`
 * with empty fields; XEP-0004 §3.1 makes `submit` the form a sender of data uses). A call adds
 * Herald's CALL_SUMMARY_FIELD (see push-publish.ts). A registration with a Tigase encryption key
 * gets `<encrypted xmlns='tigase:push:encrypt:0' iv='…'>` instead of the form (push-encryption.ts).
 * `<publish-options/>` is left out when the enable carried no options (XEP-0060 §7.1.5 makes it
 * optional); the App Server then decides what a bare publish is worth.
 */
import xml, { type Element } from '@xmpp/xml';
import { buildDataForm } from '../xmpp/data-form.js';
import { NS } from '../xmpp/namespaces.js';
import { buildEncryptedElement } from '../xmpp/push-encryption.js';
import { CALL_SUMMARY_FIELD, type PushPublish, type PushSummary } from '../xmpp/push-publish.js';

/** XEP-0357 §11.3.1 registers these summary fields; they are written in this order. */
const SUMMARY_FIELDS = [
  'message-count',
  'pending-subscription-count',
  'last-message-sender',
  'last-message-body',
] as const satisfies ReadonlyArray<keyof PushSummary>;

export function buildPublishStanza(publish: PushPublish, id: string): Element {
  // Tigase encrypt §4.4: an encrypted notification carries no summary form, only <encrypted/>.
  const content = publish.encrypted ? buildEncryptedElement(publish.encrypted) : summaryForm(publish.summary);
  const pubsub = xml(
    'pubsub',
    { xmlns: NS.PUBSUB },
    xml('publish', { node: publish.node }, xml('item', {}, xml('notification', { xmlns: NS.PUSH }, content))),
  );
  const options = Object.entries(publish.publishOptions);
  if (options.length > 0) {
    pubsub.append(xml('publish-options', {}, buildDataForm('submit', NS.PUBSUB_PUBLISH_OPTIONS, options)));
  }
  return xml('iq', { type: 'set', from: publish.from, to: publish.to, id }, pubsub);
}

function summaryForm(summary: PushSummary): Element {
  return buildDataForm('submit', NS.PUSH_SUMMARY, [
    ...SUMMARY_FIELDS.map((name) => {
      const value = summary[name];
      return [name, value === undefined ? undefined : String(value)] as const;
    }),
    [CALL_SUMMARY_FIELD, summary.call] as const,
  ]);
}
