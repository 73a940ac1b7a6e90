/**
 * Push 2.0 (`urn:xmpp:push2:0`, prosody-modules' mod_push2 and its draft, used by Snikket and
 * Cheogram clients): the values every part of Herald shares. The XMPP Server role reads a
 * client's `<enable/>` into a `Push2Config` (stored with the registration, so only strings and
 * numbers: it goes through LMDB's msgpack and PostgreSQL's JSON), matches each message against
 * its `<match/>` profiles and sends a `Push2Notification` to the push service; the App Server
 * role reads that notification back and delivers its payload untouched.
 */

/** The namespaces of Push 2.0 and of what its send profiles wrap a stanza in. */
export const PUSH2_NS = {
  /** The protocol: `<enable/>`, `<disable/>`, `<notification/>`, the account disco feature. */
  PUSH2: 'urn:xmpp:push2:0',
  /** Send profile: an empty notification that only wakes the client. */
  SEND_NOTIFY_ONLY: 'urn:xmpp:push2:send:notify-only:0',
  /** Send profile: the stanza in XEP-0297/XEP-0420, encrypted per RFC 8291, JWT per RFC 8292. */
  SEND_SCE_RFC8291_RFC8292: 'urn:xmpp:push2:send:sce+rfc8291+rfc8292:0',
  /** The `<encrypted/>` element carrying the RFC 8291 payload in a notification. */
  SCE_RFC8291: 'urn:xmpp:sce:rfc8291:0',
  /** XEP-0420 Stanza Content Encryption: `<envelope><content>…</content><rpad/></envelope>`. */
  SCE: 'urn:xmpp:sce:1',
  /** XEP-0297 Stanza Forwarding. */
  FORWARD: 'urn:xmpp:forward:0',
} as const;

/** The match profiles' URIs, each with its short name. */
export const MATCH_PROFILES = {
  'urn:xmpp:push2:match:all': 'all',
  'urn:xmpp:push2:match:important': 'important',
  'urn:xmpp:push2:match:archived': 'archived',
  'urn:xmpp:push2:match:archived-with-body': 'archived-with-body',
} as const;

export type MatchProfile = (typeof MATCH_PROFILES)[keyof typeof MATCH_PROFILES];

/** A `<filter jid='…'>` of a match: in that chat only mentions and/or replies push; neither = muted. */
export interface ChatFilter {
  /** The chat (a MUC room's bare JID, a contact, or a domain) as the client wrote it, normalised. */
  jid: string;
  mention: boolean;
  reply: boolean;
}

/** RFC 8292 JWT the server signs for the push service (`<jwt-alg>`, `<jwt-key>`, `<jwt-claim>`). */
export interface Push2Jwt {
  /** Only ES256 (RFC 7518 §3.4), the algorithm RFC 8292 names. */
  alg: 'ES256';
  /** The client's PKCS#8 private key, DER as base64 (the element's text without PEM armour). */
  key: string;
  /** Claims to sign beside `exp` and `sub` (e.g. `aud`). */
  claims: Record<string, string>;
}

export type SendProfile =
  | { kind: 'notify-only' }
  | {
      kind: 'sce+rfc8291+rfc8292';
      /** The client's P-256 public key, uncompressed point (65 octets), standard base64. */
      uaPublic: string;
      /** 16 random octets, standard base64. */
      authSecret: string;
      jwt?: Push2Jwt;
    };

export interface Push2Match {
  profile: MatchProfile;
  /** `<grace/>`: seconds after activity on another of the user's sessions during which this match does not push. */
  graceS?: number;
  filters: ChatFilter[];
  send: SendProfile;
}

/** One client's `<enable xmlns='urn:xmpp:push2:0'/>`, as stored. */
export interface Push2Config {
  /** The push service's JID (host, bare or full), normalised. */
  service: string;
  /** Opaque string the push service routes by; sent back in every notification. */
  client: string;
  matches: Push2Match[];
  /**
   * Epoch ms since which every notification to it has failed for good (set by the user's actor,
   * cleared by a success); past `xmpp_server.push2.disable_after_failing_ms` it is disabled.
   */
  failingSince?: number;
}

/** mod_push2's priorities: a call is high, an important message normal, anything else low. */
export type Push2Priority = 'high' | 'normal' | 'low';

/**
 * What the user's server sends the push service (draft "Send profiles"):
 *
 *   <message to=service from=domain id=…><notification xmlns='urn:xmpp:push2:0'>
 *     <client>…</client><priority>normal</priority>[<voip/>]
 *     [<encrypted xmlns='urn:xmpp:sce:rfc8291:0'><payload>base64</payload></encrypted>]
 *     [<jwt key='base64 raw public key'>token</jwt>]
 *   </notification></message>
 */
export interface Push2Notification {
  /** The push service JID (`Push2Config.service`). */
  to: string;
  /** The user's server (our domain). */
  from: string;
  id: string;
  client: string;
  priority: Push2Priority;
  /** A call (XEP-0353 propose): the device should ring. */
  voip?: boolean;
  /** The RFC 8291 aes128gcm body (salt, rs, keyid, ciphertext), standard base64. */
  encrypted?: string;
  jwt?: {
    /** The signer's raw P-256 public key (65 octets), standard base64. */
    key: string;
    /** The compact JWS. */
    token: string;
  };
}
