/**
 * A client's `<enable xmlns='urn:xmpp:push2:0'/>` (Push 2.0 draft, "Client registers"), read
 * into the Push2Config Herald stores. Only the element: the IQ's type, sender and account are
 * the caller's to check. Every refusal is a StanzaError naming the problem (RFC 6120 §8.3).
 *
 *   <enable xmlns='urn:xmpp:push2:0'>
 *     <service>push.example.com</service><client>opaque</client>
 *     <match profile='urn:xmpp:push2:match:archived-with-body'>
 *       <grace>144</grace>
 *       <filter jid='room@muc.example'><mention/><reply/></filter>
 *       <send xmlns='urn:xmpp:push2:send:notify-only:0'/>
 *     </match>
 *   </enable>
 */
import type { Element } from '@xmpp/xml';
import { attr } from '../attr.js';
import { parseJid } from '../jid.js';
import { badRequest, StanzaError } from '../stanza-error.js';
import { MAX_FILTERS, MAX_GRACE_S, MAX_MATCHES } from './enable-limits.js';
// The same bound as a push service reading the notification: a client accepted here is never refused there.
import { MAX_CLIENT_CHARS } from './notification-reader.js';
import { MATCH_PROFILES, type ChatFilter, type MatchProfile, type Push2Config, type Push2Match } from './push2-types.js';
import { readSendProfile } from './send-profile-reader.js';

/** `<grace/>` is whole seconds. */
const WHOLE_SECONDS = /^\d{1,9}$/;

export function readPush2Enable(enable: Element): Push2Config {
  const serviceText = enable.getChildText('service')?.trim();
  if (!serviceText) throw badRequest('<enable/> without a <service/> JID');
  const service = parseJid(serviceText).toString(); // modify/jid-malformed naming the text
  const client = enable.getChildText('client');
  if (client === null || client === undefined || client.trim() === '') throw badRequest('<enable/> without a <client/>');
  if (client.length > MAX_CLIENT_CHARS) throw badRequest(`<client/> longer than ${MAX_CLIENT_CHARS} characters`);
  const matchElements = enable.getChildren('match');
  // Without a match nothing would ever push: a registration that silently does nothing.
  if (matchElements.length === 0) throw badRequest('<enable/> without a <match/>: nothing would ever be pushed');
  if (matchElements.length > MAX_MATCHES) throw badRequest(`more than ${MAX_MATCHES} <match/> elements`);
  return { service, client, matches: matchElements.map(readMatch) };
}

function readMatch(match: Element): Push2Match {
  const profile = matchProfile(attr(match, 'profile'));
  const send = match.getChildElements().find((child) => child.name === 'send');
  if (!send) throw badRequest('<match/> without a <send/> profile');
  const filterElements = match.getChildren('filter');
  if (filterElements.length > MAX_FILTERS) throw badRequest(`more than ${MAX_FILTERS} <filter/> elements in a <match/>`);
  const graceS = readGrace(match.getChild('grace'));
  const read: Push2Match = { profile, filters: filterElements.map(readFilter), send: readSendProfile(send) };
  if (graceS !== undefined) read.graceS = graceS;
  return read;
}

function matchProfile(uri: string | undefined): MatchProfile {
  if (!uri) throw badRequest('<match/> without a profile');
  const profile = Object.hasOwn(MATCH_PROFILES, uri) ? MATCH_PROFILES[uri as keyof typeof MATCH_PROFILES] : undefined;
  if (profile === undefined) throw new StanzaError('feature-not-implemented', 'cancel', `match profile not supported: ${uri.slice(0, 128)}`);
  return profile;
}

function readGrace(grace: Element | undefined): number | undefined {
  if (!grace) return undefined;
  const text = grace.getText().trim();
  if (!WHOLE_SECONDS.test(text)) throw badRequest(`<grace/> is not a whole number of seconds: ${text.slice(0, 32)}`);
  const seconds = Number(text);
  if (seconds > MAX_GRACE_S) throw badRequest(`<grace/> over ${MAX_GRACE_S} seconds`);
  return seconds;
}

/** `<filter jid=…>`: the chat, normalised as messages' senders are compared with it (full, bare or domain). */
function readFilter(filter: Element): ChatFilter {
  const text = attr(filter, 'jid');
  if (!text) throw badRequest('<filter/> without a jid');
  return { jid: parseJid(text).toString(), mention: filter.getChild('mention') !== undefined, reply: filter.getChild('reply') !== undefined };
}
