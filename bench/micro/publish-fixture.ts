/**
 * The message every hot-path benchmark pushes: a XEP-0357 §5 notification publish with a summary
 * (count, sender, body) and publish-options for APNS, as MongooseIM sends it: the reference
 * "xep-0357-and-peers.md" publish example without indentation and with a real-sized device token
 * (64 hex digits instead of "TOKEN"): 932 bytes, the table prints the size. The baseline measured
 * @xmpp/xml at 160k/s on an 815-byte version of the same stanza.
 */
import type { PushPublish } from '../../src/xmpp/push-publish.js';

/** The App Server's JID (the publish is addressed to it). */
export const APP_SERVER_JID = 'push.example.net';
/** The XMPP server's domain (the publisher). */
export const SERVER_DOMAIN = 'example.com';
/** APNS device tokens are 32 bytes = 64 hex digits. */
export const DEVICE_TOKEN = '7f0c3a9de1b24c6f8a5e0d13b7c9f2461e8d5a0c3b7f9e2d4c6a8b1f0e3d5c7a';
export const SENDER = 'juliet@capulet.example/balcony';
export const BODY = 'Wherefore art thou, Romeo?';
/** RFC 6120 §13.12 floor is 10 000 bytes; Herald's default limit (config xmpp.max_stanza_bytes). */
export const MAX_STANZA_BYTES = 65_536;

export const PUBLISH_IQ_TEXT =
  `<iq type='set' from='${SERVER_DOMAIN}' to='${APP_SERVER_JID}' id='pub-7c1e'>` +
  `<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='yxs32uqsflafdk3iuqo'><item>` +
  `<notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='submit'>` +
  `<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:push:summary</value></field>` +
  `<field var='message-count'><value>3</value></field>` +
  `<field var='last-message-sender'><value>${SENDER}</value></field>` +
  `<field var='last-message-body'><value>${BODY}</value></field>` +
  `</x></notification></item></publish>` +
  `<publish-options><x xmlns='jabber:x:data' type='submit'>` +
  `<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>` +
  `<field var='service'><value>apns</value></field>` +
  `<field var='device_id'><value>${DEVICE_TOKEN}</value></field>` +
  `</x></publish-options></pubsub></iq>`;

/** What `parsePublishRequest` must make of PUBLISH_IQ_TEXT. */
export const EXPECTED_PUBLISH: PushPublish = Object.freeze({
  from: SERVER_DOMAIN,
  to: APP_SERVER_JID,
  node: 'yxs32uqsflafdk3iuqo',
  summary: { 'message-count': 3, 'last-message-sender': SENDER, 'last-message-body': BODY },
  publishOptions: { service: 'apns', device_id: DEVICE_TOKEN },
});
