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
const JID_CACHE_SIZE = 10_000;
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

/**
 * A bare JID that every step of @xmpp/jid leaves as it is: a local part of lower-case ASCII
 * letters, digits and `. _ -` (no XEP-0106 escape to detect, nothing to fold) and a domain of
 * lower-case letters, digits, `.` and `-`, each part within RFC 7622's 1023 octets.
 */
const PLAIN_BARE = /^(?:[a-z0-9._-]{1,1023}@)?[a-z0-9.-]{1,1023}$/;

/**
 * The normalised bare JID string (`local@domain` or `domain`), as `parseJid(text).bare()`
 * gives it. A JID whose bare part is plain (PLAIN_BARE) is only cut at its first `/`: every
 * user's first stanza would otherwise pay @xmpp/jid's escape detection (~5 µs) and a cache entry.
 */
export function bareJid(text: string | undefined): string {
  const plain = plainBare(text);
  if (plain !== undefined) return plain;
  // The full JID's text without "/resource": what bare().toString() gives, without building a
  // second JID (@xmpp/jid checks a new JID's local part for XEP-0106 escapes, ~3 µs).
  const jid = parseJid(text);
  const full = jid.toString();
  return jid.resource ? full.slice(0, full.length - jid.resource.length - 1) : full;
}

/**
 * Whether `text` names the bare JID `bare` (normalised) and nothing more: no resource. Plain
 * text equal to `bare` answers at once; anything else is parsed.
 */
export function isBareJidOf(text: string, bare: string): boolean {
  if (text === bare && PLAIN_BARE.test(text)) return true;
  const jid = parseJid(text);
  return !jid.resource && bareJid(text) === bare;
}

/** The bare part of a plain JID (see PLAIN_BARE) with a valid resource, else undefined. */
function plainBare(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const slash = text.indexOf('/');
  const bare = slash === -1 ? text : text.slice(0, slash);
  if (!PLAIN_BARE.test(bare)) return undefined;
  if (slash === -1) return bare;
  // RFC 7622 §3.4: a resource is 1 to 1023 octets; an empty or long one goes the slow way.
  const resourceChars = text.length - slash - 1;
  if (resourceChars === 0 || resourceChars * 3 > MAX_PART_BYTES) return undefined;
  return bare;
}
