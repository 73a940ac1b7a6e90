/**
 * The typed extension point of the XMPP Server role: what MongooseIM calls a plugin module
 * implementing mod_push_plugin (the seed: "when you need to control the format of push
 * notifications or the state of the user sessions more robustly"). Its `should_publish`
 * decides whether a message is pushed at all; here `shouldPublish` does, per registration. Its
 * `publish_notification` formats; here `prepare` returns what to change in the summary and
 * publish-options the default built, and Herald publishes as usual.
 *
 * A plugin implements any of the four hooks. Arguments are plain data (and, for the message, the
 * stanza as the host delivered it); a plugin may keep its own state (it lives as long as the
 * engine, one copy per shard). Every call runs under `plugins.hook_budget_ms`: a hook that throws,
 * rejects, answers something else than its type, or answers late is ignored for that call (the
 * default behaviour is used), logged and counted (herald_plugin_failures_total). A hook that never
 * returns (a synchronous endless loop) cannot be stopped: it holds its thread (contained-call.ts).
 */
import type { Element } from '@xmpp/xml';

/** Where the recipient's sessions stand: online (an available session), hibernated (XEP-0198, only resumable ones), offline (none). */
export type RecipientState = 'online' | 'hibernated' | 'offline';

/** The user a push is for. */
export interface Recipient {
  /** Bare JID. */
  jid: string;
  /** When a message is pushed it is `offline` or `hibernated` (a user online is not pushed). */
  state: RecipientState;
}

/** A message Herald's policy would push (push-policy.ts): chat, normal, groupchat with a body, or a call. */
export interface PluginMessage {
  /** The sender's full JID (`from`); absent when the stanza had none or a malformed one. */
  from?: string;
  /** The `to` attribute as delivered (the recipient, full or bare). */
  to: string;
  /** RFC 6121 §5.2.2: `normal` when absent; never `headline` or `error` (those are not pushed). */
  type: string;
  /** The first non-blank `<body/>`, whole (the summary's body is cut to xmpp_server.body_max_chars). */
  body?: string;
  /** The stanza's `id`, if any. */
  id?: string;
  /**
   * The stanza as the host delivered it, for what the fields above leave out (XEP-0372
   * references, XEP-0359 stanza-ids…). Read it, never change it: it is the host's element.
   */
  stanza: Element;
}

/** A push registration (XEP-0357 §5 `<enable/>`): one device of one user. */
export interface PluginRegistration {
  /** Bare JID of the user who enabled it. */
  user: string;
  /** The App Server's pubsub service JID. */
  pubsubJid: string;
  node: string;
  /** The `<enable/>`'s publish-options (service, device_id, topic, …) less `secret`. Read-only. */
  publishOptions: Readonly<Record<string, string>>;
}

/**
 * The XEP-0357 §7 summary the default built for one publish (message-count is the user's
 * unread count; sender and body only when xmpp_server.include_sender / include_body).
 */
export interface PluginSummary {
  'message-count'?: number;
  'last-message-sender'?: string;
  'last-message-body'?: string;
  /** The XEP-0353 propose id when the message is a call (always a VoIP push). */
  call?: string;
}

/** Publish-options a plugin may set (the App Server's mapping honours them: app-server/publish-options.ts). */
export const PREPARABLE_OPTIONS = ['topic', 'sound', 'click_action', 'mutable_content', 'time_to_live'] as const;
export type PreparableOption = (typeof PREPARABLE_OPTIONS)[number];

/**
 * What `prepare` changes in one publish; every field optional, absent = as the default built it.
 * It travels in the XEP-0357 publish, so a remote App Server sees it too:
 *   title → `last-message-sender` (the alert's title and tag; shown when app_server.forward_sender),
 *   body → `last-message-body` (cut to xmpp_server.body_max_chars; shown when app_server.forward_body),
 *   badge → `message-count` (the alert's badge, a silent push's data),
 *   priority → publish-option `priority`,
 *   pushType → publish-option `silent` (`alert` needs a body: without one the push is silent anyway;
 *     a call is a VoIP push whatever this says),
 *   publishOptions → those publish-options (strings, as the `<enable/>` form carries them).
 */
export interface PreparedNotification {
  title?: string;
  body?: string;
  /** A non-negative integer. */
  badge?: number;
  priority?: 'normal' | 'high';
  pushType?: 'alert' | 'silent';
  publishOptions?: Partial<Record<PreparableOption, string>>;
}

/** The App Server's answer to one publish (XEP-0357 §7.1): accepted, or refused with a stanza error. */
export type PublishOutcome =
  | { ok: true }
  /** `type: 'cancel'` disables the registration (unless it was enabled again since). */
  | { ok: false; error: { type: string; condition: string } };

/** A plugin: any of the hooks (at least one). A hook may answer at once or with a promise. */
export interface HeraldPlugin {
  /** Names it in logs and in the `plugin` label; default: its module's file name (`plugin-<n>` for an object). */
  name?: string;
  /**
   * Whether `message` is pushed to `registration`. Called per registration before the badge is
   * counted; with several plugins every one must answer true. Default: true. A message no
   * registration is left for is not counted in the badge.
   */
  shouldPublish?(message: PluginMessage, recipient: Recipient, registration: PluginRegistration): boolean | Promise<boolean>;
  /**
   * What to change in the publish to `registration` (per registration, after the badge is
   * counted); `undefined` changes nothing. With several plugins each sees the summary as the ones
   * before it left it.
   */
  prepare?(
    summary: Readonly<PluginSummary>,
    registration: PluginRegistration,
    message: PluginMessage,
    recipient: Recipient,
  ): PreparedNotification | undefined | Promise<PreparedNotification | undefined>;
  /** A notification: `recipient` as it was, `state` what it is now (called only on a change). Its answer is ignored. */
  onSessionState?(recipient: Recipient, state: RecipientState): unknown;
  /** A notification: the App Server answered a publish (or did not within publish_timeout_ms: wait/remote-server-timeout). */
  onPublishOutcome?(registration: PluginRegistration, outcome: PublishOutcome): unknown;
}

export const HOOKS = ['shouldPublish', 'prepare', 'onSessionState', 'onPublishOutcome'] as const;
export type HookName = (typeof HOOKS)[number];
