/**
 * Whether one `<match/>` of a registration wants a message pushed (Push 2.0 draft "Match
 * profiles", "Filters", as mod_push2 applies them): the profile first, then, when a filter names
 * the message's chat, that filter alone decides (mention and/or reply; neither = muted). Grace
 * periods are not judged here: they need the user's other sessions.
 */
import type { JidForms, Push2Facts } from './message-facts.js';
import type { ChatFilter, MatchProfile, Push2Match, Push2Priority } from './push2-types.js';

export interface Push2Recipient {
  /** The user's bare JID. */
  user: string;
  /** The user's nick in the message's room (mentions, replies); default the local part of `user`. */
  nick?: string;
}

const PROFILE_TEST: Record<MatchProfile, (facts: Push2Facts) => boolean> = {
  all: () => true,
  important: (facts) => facts.important,
  archived: (facts) => facts.archived,
  'archived-with-body': (facts) => facts.archived && facts.hasBody,
};

export function matchesProfile(match: Push2Match, facts: Push2Facts, recipient: Push2Recipient): boolean {
  if (!PROFILE_TEST[match.profile](facts)) return false;
  const filter = facts.from && chatFilter(match.filters, facts.from);
  if (!filter) return true;
  const nick = recipient.nick ?? localPart(recipient.user);
  return (filter.mention && mentions(facts, nick)) || (filter.reply && repliesTo(facts, recipient.user, nick));
}

/** mod_push2: a call rings (high), an important message is normal, anything else low. */
export function priorityOf(facts: Push2Facts): Push2Priority {
  if (facts.call) return 'high';
  return facts.important ? 'normal' : 'low';
}

/** The filter naming the sender's full JID, else its bare JID, else its domain. */
function chatFilter(filters: ChatFilter[], from: JidForms): ChatFilter | undefined {
  if (filters.length === 0) return undefined;
  for (const form of [from.full, from.bare, from.domain]) {
    const filter = filters.find((f) => f.jid === form);
    if (filter) return filter;
  }
  return undefined;
}

/** The body names the user's nick (case as written, as mod_push2 compares). */
function mentions(facts: Push2Facts, nick: string): boolean {
  return nick !== '' && facts.body !== undefined && facts.body.includes(nick);
}

/** XEP-0461: a reply to the user (bare or full JID), or to the user's occupant JID in the sender's room. */
function repliesTo(facts: Push2Facts, user: string, nick: string): boolean {
  const to = facts.replyTo;
  if (!to) return false;
  if (to.bare === user) return true;
  return facts.from !== undefined && to.bare === facts.from.bare && to.resource === nick;
}

function localPart(bare: string): string {
  const at = bare.indexOf('@');
  return at === -1 ? '' : bare.slice(0, at);
}
