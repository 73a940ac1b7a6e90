// A Herald plugin (README: Plugins): a group chat pushes only the messages that mention the
// user, so a busy room does not ring every phone in it. "Mentions" is the user's local part (or
// `@localpart`) as a word of the body, any case: juliet@capulet.lit is mentioned by "Juliet, come"
// and "hi @juliet", not by "juliets". One-to-one chats and calls are pushed as always.
//
//   [plugins]
//   modules = ["./dist/examples/plugins/groupchat-mention.js"]
import type { HeraldPlugin, PluginMessage, Recipient } from '../../src/index.js';

export function mentions(body: string, name: string): boolean {
  if (name === '') return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A word: neither side a letter, a digit or an underscore (in any script).
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escaped}($|[^\\p{L}\\p{N}_])`, 'iu').test(body);
}

const plugin: HeraldPlugin = {
  name: 'groupchat-mention',
  shouldPublish(message: PluginMessage, recipient: Recipient): boolean {
    if (message.type !== 'groupchat') return true;
    const localpart = recipient.jid.split('@')[0] ?? '';
    return message.body !== undefined && mentions(message.body, localpart);
  },
};

export default plugin;
