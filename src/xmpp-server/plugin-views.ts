/**
 * What the XMPP Server role shows plugins (src/plugins/) of its own values (pure): plain data, built only when plugins are
 * configured. The registration's `secret` (the App Server's node secret) is left out: a plugin
 * formats pushes and has no use for it.
 */
import type { Element } from '@xmpp/xml';
import { attr } from '../xmpp/attr.js';
import type { PluginMessage, PluginRegistration } from '../plugins/plugin.js';
import type { Registration } from './registration.js';

/** `sender`: the `from` already checked as a JID (undefined when it is not one). */
export function pluginMessageOf(stanza: Element, body: string | undefined, sender: string | undefined): PluginMessage {
  const message: PluginMessage = { to: attr(stanza, 'to') ?? '', type: attr(stanza, 'type') ?? 'normal', stanza };
  if (sender !== undefined) message.from = sender;
  if (body !== undefined) message.body = body;
  const id = attr(stanza, 'id');
  if (id !== undefined) message.id = id;
  return message;
}

export function pluginRegistrationOf(user: string, registration: Registration): PluginRegistration {
  const { secret: _secret, ...publishOptions } = registration.publishOptions;
  return { user, pubsubJid: registration.pubsubJid, node: registration.node, publishOptions };
}
