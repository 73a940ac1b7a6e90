/**
 * The notification publish of XEP-0357 §5 (server → App Server), as data. The XMPP Server role
 * produces it; the App Server role consumes it. When both roles live in this engine the value
 * goes straight from the user's actor to the node's actor, never serialised; otherwise it is
 * built into / parsed from the `<iq type='set'><pubsub><publish>` stanza.
 */
import type { EncryptedNotification } from './push-encryption.js';

export interface PushSummary {
  /** XEP-0357 §5 summary fields (urn:xmpp:push:summary); absent = not sent. */
  'message-count'?: number;
  'pending-subscription-count'?: number;
  'last-message-sender'?: string;
  'last-message-body'?: string;
  /**
   * Not a XEP-0357 field: the id of the Jingle Message Initiation `<propose/>` (XEP-0353) the
   * message carried, i.e. an incoming call. On the wire it is the summary field named
   * CALL_SUMMARY_FIELD; App Servers that do not know it ignore it.
   */
  call?: string;
}

/**
 * The summary field that marks a call. XEP-0068 ("Field Names" and its example of a custom
 * field) lets a field outside a registered FORM_TYPE's list be named in Clark notation; the
 * namespace is XEP-0353's, whose `<propose/>` the field stands for.
 */
export const CALL_SUMMARY_FIELD = '{urn:xmpp:jingle-message:0}propose';

export interface PushPublish {
  /** Publisher JID: the user's server domain (XEP-0357 §5). */
  from: string;
  /** The pubsub service JID of the App Server. */
  to: string;
  /** The push node. */
  node: string;
  summary: PushSummary;
  /**
   * Tigase `tigase:push:encrypt:0` (push-encryption.ts): the notification's content, encrypted
   * with the device's key; the summary is then empty. The App Server forwards it unread.
   */
  encrypted?: EncryptedNotification;
  /** XEP-0357 §5 publish-options, copied from the client's `<enable/>` (single values). */
  publishOptions: Record<string, string>;
}
