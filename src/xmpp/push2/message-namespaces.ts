/** The namespaces Push 2.0 reads in a pushed message, each with the spec that defines it. */
export const MESSAGE_NS = {
  /** XEP-0280 Message Carbons: `<sent/>` and `<received/>` wrappers. */
  CARBONS: 'urn:xmpp:carbons:2',
  /** XEP-0297 Stanza Forwarding, inside a carbon. */
  FORWARD: 'urn:xmpp:forward:0',
  /** XEP-0359 Unique and Stable Stanza IDs: `<stanza-id by=… id=…/>`, stamped when archived (XEP-0313). */
  SID: 'urn:xmpp:sid:0',
  /** XEP-0353 Jingle Message Initiation: `<propose/>`, `<retract/>` (a call). */
  JINGLE_MESSAGE: 'urn:xmpp:jingle-message:0',
  /** XEP-0308 Last Message Correction. */
  MESSAGE_CORRECT: 'urn:xmpp:message-correct:0',
  /** XEP-0461 Message Replies. */
  REPLY: 'urn:xmpp:reply:0',
  /** XEP-0384 OMEMO, the legacy namespace (Conversations) and version 2. */
  OMEMO_LEGACY: 'eu.siacs.conversations.axolotl',
  OMEMO_2: 'urn:xmpp:omemo:2',
  /** XEP-0027 Current Jabber OpenPGP Usage. */
  PGP_LEGACY: 'jabber:x:encrypted',
  /** XEP-0373 OpenPGP for XMPP. */
  OPENPGP: 'urn:xmpp:openpgp:0',
  /** XEP-0066 Out of Band Data (a shared file's URL). */
  OOB: 'jabber:x:oob',
  /** XEP-0249 Direct MUC Invitations. */
  CONFERENCE: 'jabber:x:conference',
  /** XEP-0045 §7.8.2 mediated invitations (`<x><invite/></x>`). */
  MUC_USER: 'http://jabber.org/protocol/muc#user',
} as const;

/** The end-to-end encrypted payloads that count as a body: the server cannot read them (mod_push2's has_body). */
export const ENCRYPTED_PAYLOADS: ReadonlyArray<{ name: string; xmlns: string }> = [
  { name: 'encrypted', xmlns: MESSAGE_NS.OMEMO_LEGACY },
  { name: 'encrypted', xmlns: MESSAGE_NS.OMEMO_2 },
  { name: 'x', xmlns: MESSAGE_NS.PGP_LEGACY },
  { name: 'openpgp', xmlns: MESSAGE_NS.OPENPGP },
];
