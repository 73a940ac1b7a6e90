// A Herald plugin (README: Plugins): the badge counts the unread messages of the conversation
// the push is about, not all of the user's. Counts are kept in this plugin's memory, per device
// (each of a user's registrations is prepared once per message) and per conversation (the
// sender's bare JID: a person, or a room); the user coming online clears them, as Herald's own
// counter restarts then. Memory: at most MAX_USERS users are kept, the oldest dropped first; a
// restart (or another shard, another instance) starts from zero.
//
//   [plugins]
//   modules = ["./dist/examples/plugins/conversation-badges.js"]
import type { HeraldPlugin, PluginMessage, PluginRegistration, PluginSummary, PreparedNotification, Recipient, RecipientState } from '../../src/index.js';

/** Users whose counts are kept; beyond it the one counted longest ago is forgotten (its next badge restarts at 1). */
const MAX_USERS = 100_000;

export function conversationBadges(): HeraldPlugin {
  /** user → "node\0conversation" → unread. */
  const unread = new Map<string, Map<string, number>>();
  return {
    name: 'conversation-badges',
    prepare(_summary: Readonly<PluginSummary>, registration: PluginRegistration, message: PluginMessage, recipient: Recipient): PreparedNotification | undefined {
      if (message.from === undefined) return undefined; // no conversation to count in: Herald's badge
      let counts = unread.get(recipient.jid);
      if (counts) unread.delete(recipient.jid); // re-inserted last: the Map's order is least recently counted first
      else counts = new Map();
      unread.set(recipient.jid, counts);
      if (unread.size > MAX_USERS) unread.delete(unread.keys().next().value!);
      const key = `${registration.node}\u0000${bare(message.from)}`;
      const badge = (counts.get(key) ?? 0) + 1;
      counts.set(key, badge);
      return { badge };
    },
    onSessionState(recipient: Recipient, state: RecipientState): void {
      if (state === 'online') unread.delete(recipient.jid);
    },
  };
}

function bare(jid: string): string {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid : jid.slice(0, slash);
}

export default conversationBadges();
