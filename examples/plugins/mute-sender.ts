// A Herald plugin (README: Plugins): never push messages from the senders a user would rather
// not hear from at night, a bot, a noisy room. The muted bare JIDs come from the environment
// variable HERALD_MUTED_SENDERS (comma-separated), read once when the module is imported:
//
//   [plugins]
//   modules = ["./dist/examples/plugins/mute-sender.js"]
//
// A room's messages come from room@service/nick, so muting the room's bare JID mutes the room.
// Embedders can pass `muteSenders([...])` to Herald.start({ plugins }) instead.
import type { HeraldPlugin, PluginMessage } from '../../src/index.js';

export function muteSenders(jids: Iterable<string>): HeraldPlugin {
  const muted = new Set([...jids].map((jid) => jid.trim().toLowerCase()).filter((jid) => jid !== ''));
  return {
    name: 'mute-sender',
    shouldPublish: (message: PluginMessage) => message.from === undefined || !muted.has(bare(message.from)),
  };
}

/** The JID without its resource (Herald hands `from` already checked and normalised). */
function bare(jid: string): string {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid : jid.slice(0, slash);
}

export default muteSenders((process.env.HERALD_MUTED_SENDERS ?? '').split(','));
