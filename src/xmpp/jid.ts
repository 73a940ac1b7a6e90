/**
 * JIDs (RFC 7622) through @xmpp/jid, which lower-cases the local part and domain. Bad input
 * becomes `modify/jid-malformed` (RFC 6120 §8.3.3.8).
 */
import { parse, type JID } from '@xmpp/jid';
import { StanzaError } from './stanza-error.js';

/** RFC 7622 §3.1: each part is at most 1023 octets. */
const MAX_PART_BYTES = 1023;

/**
 * Parsed JIDs by their text. The same few JIDs (the server's domain, a user's resources) come
 * back on every push, and parsing one costs microseconds; JIDs are treated as immutable values.
 * Bounded: the cache is dropped whole when it reaches JID_CACHE_SIZE entries.
 */
export const JID_CACHE_SIZE = 10_000;
const cache = new Map<string, JID>();

export function parseJid(text: string | undefined): JID {
  if (!text) throw new StanzaError('jid-malformed', 'modify', 'a JID is required');
  let jid = cache.get(text);
  if (jid) return jid;
  jid = parseUncached(text);
  if (cache.size >= JID_CACHE_SIZE) cache.clear();
  cache.set(text, jid);
  return jid;
}

function parseUncached(text: string): JID {
  let jid: JID;
  try {
    jid = parse(text);
  } catch {
    throw new StanzaError('jid-malformed', 'modify', `not a JID: ${text.slice(0, 64)}`);
  }
  for (const part of [jid.local, jid.domain, jid.resource]) {
    if (part && Buffer.byteLength(part) > MAX_PART_BYTES) {
      throw new StanzaError('jid-malformed', 'modify', 'a JID part is longer than 1023 bytes');
    }
  }
  if (/[\s@/]/.test(jid.domain) || jid.domain.length === 0) {
    throw new StanzaError('jid-malformed', 'modify', `bad domain in ${text.slice(0, 64)}`);
  }
  return jid;
}

/** The normalised bare JID string (`local@domain` or `domain`). */
export function bareJid(text: string | undefined): string {
  // The full JID's text without "/resource": what bare().toString() gives, without building a
  // second JID (@xmpp/jid checks a new JID's local part for XEP-0106 escapes, ~3 µs).
  const jid = parseJid(text);
  const full = jid.toString();
  return jid.resource ? full.slice(0, full.length - jid.resource.length - 1) : full;
}
