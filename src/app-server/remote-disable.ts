/**
 * XEP-0357 §8 ("Remote Disabling of Notifications"): "the XMPP Push Service removes the
 * 'publish-only' (or other publish-enabling affiliation) from the user's JID, and MAY send an
 * affiliation change notice to the user's bare JID", with exactly this shape (XEP-0357's example
 * of it: `<pubsub/>` in the pubsub namespace, the node on it, one `<affiliation/>`):
 *
 *   <message from='push-5.client.example' to='user@example.com'>
 *     <pubsub xmlns='http://jabber.org/protocol/pubsub' node='yxs32uqsflafdk3iuqo'>
 *       <affiliation jid='user@example.com' affiliation='none'/>
 *     </pubsub>
 *   </message>
 *
 * "Upon receiving an affiliation change event, the server MAY remove the received JID and node
 * combination from the set of enabled services." Pure.
 *
 * Sent as `type='headline'`: a server that does not understand the notice must neither store it
 * offline (RFC 6121 §5.2.2: headlines are not stored) nor push for it (XEP-0357 servers never push
 * headlines). As a `normal` message Prosody 0.12 stored it and pushed it to the user's other
 * devices (interop suite).
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../xmpp/namespaces.js';

/**
 * @param serviceJid this App Server (the `jid` the user's registration names)
 * @param user the node owner's bare JID, to whom the notice goes
 * @param publisher the bare JID whose publishing right ended (the affiliation's `jid`)
 */
export function affiliationNoneNotice(serviceJid: string, user: string, node: string, publisher: string): Element {
  return xml(
    'message',
    { from: serviceJid, to: user, type: 'headline' },
    xml('pubsub', { xmlns: NS.PUBSUB, node }, xml('affiliation', { jid: publisher, affiliation: 'none' })),
  );
}
