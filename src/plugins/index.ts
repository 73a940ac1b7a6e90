/** Typed plugins of the XMPP Server role (plugin.ts): the types a plugin module needs. */
export type {
  HeraldPlugin,
  HookName,
  PluginMessage,
  PluginRegistration,
  PluginSummary,
  PreparableOption,
  PreparedNotification,
  PublishOutcome,
  Recipient,
  RecipientState,
} from './plugin.js';
