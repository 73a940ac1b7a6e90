/** XML namespaces Herald speaks, each with the spec that defines it. */
export const NS = {
  /** RFC 6120 §8.3.3: stanza error conditions. */
  STANZAS: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  CLIENT: 'jabber:client',
  COMPONENT: 'jabber:component:accept',
  /** XEP-0357 Push Notifications. */
  PUSH: 'urn:xmpp:push:0',
  /** XEP-0357 §5 summary form type. */
  PUSH_SUMMARY: 'urn:xmpp:push:summary',
  /** XEP-0004 Data Forms. */
  DATA: 'jabber:x:data',
  /** XEP-0060 Publish-Subscribe. */
  PUBSUB: 'http://jabber.org/protocol/pubsub',
  PUBSUB_OWNER: 'http://jabber.org/protocol/pubsub#owner',
  PUBSUB_ERRORS: 'http://jabber.org/protocol/pubsub#errors',
  PUBSUB_PUBLISH_OPTIONS: 'http://jabber.org/protocol/pubsub#publish-options',
  PUBSUB_NODE_CONFIG: 'http://jabber.org/protocol/pubsub#node_config',
  /** XEP-0030 Service Discovery. */
  DISCO_INFO: 'http://jabber.org/protocol/disco#info',
  /** Tigase "Encrypted Push Notifications" (xeps.tigase.net/docs/push-notifications/encrypt): `<encrypt/>`, `<encrypted/>`. */
  PUSH_ENCRYPT: 'tigase:push:encrypt:0',
  /** The same document §4.1: the disco feature naming the AES-128-GCM algorithm. */
  PUSH_ENCRYPT_AES_128_GCM: 'tigase:push:encrypt:aes-128-gcm',
  /** XEP-0334 Message Processing Hints. */
  HINTS: 'urn:xmpp:hints',
} as const;
