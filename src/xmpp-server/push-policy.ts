/**
 * Which `<message/>` deserves a push (pure). The recipient's presence is checked elsewhere
 * (sessions.ts); this looks only at the stanza.
 *
 * Push: a message of type chat, normal or groupchat with a non-empty body (MongooseIM's default;
 * RFC 6121 §5.2.2: a missing or unknown type counts as `normal`), or carrying a Jingle Message
 * Initiation `<propose/>` (XEP-0353: a call; the reference's "urgent" trigger).
 * Never: headlines and errors (RFC 6121 §5.2.2), `<no-store/>` (XEP-0334 §4), message carbons
 * (XEP-0280: a copy for the user's own other devices, the original already triggered its push),
 * MUC subject changes (XEP-0045 §8.1: a `<subject/>` without `<body/>`), bodiless stanzas
 * (chat states, receipts, markers).
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { NS } from '../xmpp/namespaces.js';
import { attr } from '../xmpp/attr.js';

/** XEP-0280 Message Carbons. */
const NS_CARBONS = 'urn:xmpp:carbons:2';

export type NoPushReason = 'not-a-message' | 'headline' | 'error' | 'no-store' | 'carbon' | 'muc-subject' | 'no-body';

/** XEP-0353 Jingle Message Initiation: a `<propose/>` is an incoming call. */
const NS_JMI = 'urn:xmpp:jingle-message:0';

/** `call`: the JMI propose id when the message is a call (pushed at once, even without a body). */
export type PushDecision = { push: true; body?: string; call?: string } | { push: false; reason: NoPushReason };

export function pushDecision(stanza: Element): PushDecision {
  if (stanza.name !== 'message') return { push: false, reason: 'not-a-message' };
  const type = attr(stanza, 'type');
  if (type === 'headline') return { push: false, reason: 'headline' };
  if (type === 'error') return { push: false, reason: 'error' };
  if (stanza.getChild('no-store', NS.HINTS)) return { push: false, reason: 'no-store' };
  if (stanza.getChild('sent', NS_CARBONS) || stanza.getChild('received', NS_CARBONS)) {
    return { push: false, reason: 'carbon' };
  }
  const body = firstBody(stanza);
  // XEP-0353 §3: a call is proposed in a bodiless message; the callee must ring now.
  const call = attr(stanza.getChild('propose', NS_JMI), 'id');
  if (call) return body === undefined ? { push: true, call } : { push: true, body, call };
  if (body === undefined) {
    return { push: false, reason: stanza.getChild('subject') ? 'muc-subject' : 'no-body' };
  }
  return { push: true, body };
}

/**
 * Whether Push 2.0 matches a stanza against a user's profiles at all: every message but an error
 * (an error bounce pushes no one; match:all means "all stanzas" otherwise, draft "Match profiles").
 */
export function isPush2Candidate(stanza: Element): boolean {
  return stanza.name === 'message' && attr(stanza, 'type') !== 'error';
}

/** The first non-blank `<body/>` in the stanza's own namespace (RFC 6121 §5.2.3 allows one per xml:lang). */
function firstBody(stanza: Element): string | undefined {
  for (const child of stanza.getChildElements()) {
    if (child.name !== 'body' || child.attrs.xmlns !== undefined) continue;
    const text = child.getText();
    if (text.trim() !== '') return text;
  }
  return undefined;
}

/** XEP-0359 Unique and Stable Stanza IDs. */
const NS_SID = 'urn:xmpp:sid:0';

/**
 * Longest identity kept as it is. Ids and JIDs are chosen by the sender and may be tens of KB
 * (only the stanza size limit bounds them); each user actor remembers `xmpp_server.dedup_window`
 * identities, so longer ones are kept as their SHA-256 (43 characters), and one remembered
 * message costs at most this much whatever the sender writes. Real ids (UUIDs) stay readable.
 */
const IDENTITY_MAX_CHARS = 128;

/**
 * The identity of a message for de-duplication (one push per message even when several
 * triggers fire, e.g. offline delivery then a hibernated stream's replay):
 * the `<stanza-id/>` the user's own server stamped (XEP-0359 §3, `by` = the user's bare JID),
 * else sender + `id` (RFC 6120 §8.1.3: ids are chosen by the sender). None without either.
 */
export function messageIdentity(stanza: Element, user: string): string | undefined {
  for (const sid of stanza.getChildren('stanza-id', NS_SID)) {
    const id = attr(sid, 'id');
    if (id && sid.attrs.by === user) return bounded(`sid\u0000${id}`);
  }
  const id = attr(stanza, 'id');
  if (!id) return undefined;
  return bounded(`id\u0000${attr(stanza, 'from') ?? ''}\u0000${id}`);
}

function bounded(identity: string): string {
  if (identity.length <= IDENTITY_MAX_CHARS) return identity;
  return `sha256\u0000${createHash('sha256').update(identity).digest('base64url')}`;
}
