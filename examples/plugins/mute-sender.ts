// A Herald plugin (README: Plugins): never push messages from the senders a user would rather
// not hear from at night, a bot, a noisy room. The muted bare JIDs are the plugin's options:
//
//   [plugins]
//   modules = ["./dist/examples/plugins/mute-sender.js"]
//   [plugins.options.mute-sender]
//   muted = ["bot@example.com", "noisy-room@conference.example.com"]
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

/** The factory Herald calls with `[plugins.options.mute-sender]`; a bad `muted` fails the start. */
export default function fromOptions(options: Readonly<Record<string, unknown>>): HeraldPlugin {
  const { muted = [] } = options;
  if (!Array.isArray(muted) || !muted.every((jid) => typeof jid === 'string')) throw new Error('muted must be a list of JIDs');
  return muteSenders(muted as string[]);
}
