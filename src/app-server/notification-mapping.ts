/**
 * PushPublish → PushNotification, as MongooseIM's mod_push_service_mongoosepush builds its
 * MongoosePush request (see the reference "mongoosepush-api.md"), plus the payloads users need:
 * - a call (the summary carries a Jingle Message Initiation id, see push-publish.ts) → a VoIP
 *   push: no alert, `data` = the summary + `call-id`, priority high; for APNS the topic gets
 *   Apple's `.voip` suffix (which makes the push service send `apns-push-type: voip`); without
 *   a topic the notification is marked `voip` and the pool's default topic gets the suffix;
 * - `silent=true` in publish-options, or a summary without a body → a silent (background) push
 *   whose `data` is the summary (`message-count` as an integer); the push service sends it as
 *   `apns-push-type: background` at priority 5;
 * - otherwise an alert (priority 10 unless the publish-options say `normal`): title =
 *   last-message-sender, body = last-message-body, badge = message-count, tag = sender,
 *   click_action and sound from publish-options.
 * - an encrypted notification (Tigase `tigase:push:encrypt:0`, see xmpp/push-encryption.ts) is
 *   forwarded unread: `data` = `encrypted` (base64 ciphertext ‖ tag), `iv` and `account` (the
 *   node's owner), the keys Siskin's Notification Service Extension reads; for APNS a `mutable-content` alert with the default
 *   title / body (so that extension runs, decrypts and replaces it), for FCM a data-only
 *   message at high priority (the app decrypts and shows it); `type='voip'` → a VoIP push.
 * Sender and body reach Apple/Google only when `forward_sender` / `forward_body` say so
 * (XEP-0357 §9); otherwise the alert shows the configured default title / body.
 * Pure: no I/O, no clock.
 */
import type { PushAlert, PushNotification } from '../push-service/notification.js';
import type { EncryptedNotification } from '../xmpp/push-encryption.js';
import type { PushPublish, PushSummary } from '../xmpp/push-publish.js';
import type { RegisteredDevice } from './node-record.js';
import { readPublishOptions, type PushTarget } from './publish-options.js';

export interface MappingOptions {
  /** Alert title when the summary names no sender, or it is not forwarded (`app_server.default_alert_title`). */
  defaultAlertTitle: string;
  /** Alert body when the body is not forwarded (`app_server.default_alert_body`); default DEFAULT_ALERT_BODY. */
  defaultAlertBody?: string;
  /** `app_server.forward_sender`; default true (MongooseIM forwards it). */
  forwardSender?: boolean;
  /** `app_server.forward_body`; default true (MongooseIM forwards it). */
  forwardBody?: boolean;
}

export const DEFAULT_ALERT_BODY = 'You have a new message';

/** What a push is, for the rate limit: a call must never wait behind a message push. */
export type PushKind = 'alert' | 'background' | 'voip';

/** Apple: "the topic … with the .voip suffix" is what VoIP (PushKit) pushes go to. */
const VOIP_TOPIC_SUFFIX = '.voip';
/** `data` key carrying the call's JMI id in a VoIP push. */
export const CALL_ID_DATA_KEY = 'call-id';
/**
 * `data` keys of an encrypted notification: what Siskin's Notification Service Extension reads
 * (it finds the key by `account`, and decrypts nothing without it).
 */
export const ENCRYPTED_DATA_KEY = 'encrypted';
export const IV_DATA_KEY = 'iv';
export const ACCOUNT_DATA_KEY = 'account';

export function pushKindOf(publish: PushPublish, notification: PushNotification): PushKind {
  if (publish.summary.call !== undefined || publish.encrypted?.voip) return 'voip';
  return notification.alert === undefined ? 'background' : 'alert';
}

/**
 * @param device the device a register command stored on the node, if any (it wins over the
 *   publish-options' service, device_id, mode and topic)
 * @param account the node's owner (the user who made it, or registered by command): an encrypted
 *   push names it, for the app to pick the key it enabled that account with
 * @throws StanzaError when the publish-options are missing or unusable (see publish-options.ts).
 */
export function toPushNotification(publish: PushPublish, options: MappingOptions, device?: RegisteredDevice, account?: string): PushNotification {
  const target = readPublishOptions(publish.publishOptions, device);
  const notification: PushNotification = { service: target.service, device_id: target.device_id, mode: target.mode };
  if (target.keys !== undefined) notification.keys = target.keys;
  if (target.topic !== undefined) notification.topic = target.topic;
  if (target.priority !== undefined) notification.priority = target.priority;
  if (target.mutable_content !== undefined) notification.mutable_content = target.mutable_content;
  if (target.time_to_live !== undefined) notification.time_to_live = target.time_to_live;

  const summary = publish.summary;
  if (publish.encrypted) return encrypted(notification, target, publish.encrypted, options, account);
  if (summary.call !== undefined) return voip(notification, target, { ...summaryData(summary, options), [CALL_ID_DATA_KEY]: summary.call });
  const body = summary['last-message-body'];
  if (target.silent || body === undefined) {
    notification.data = summaryData(summary, options);
    return notification;
  }
  const sender = options.forwardSender !== false ? summary['last-message-sender'] : undefined;
  const shownBody = options.forwardBody !== false ? body : (options.defaultAlertBody ?? DEFAULT_ALERT_BODY);
  const alert: PushAlert = { title: sender ?? options.defaultAlertTitle, body: shownBody };
  if (summary['message-count'] !== undefined) alert.badge = summary['message-count'];
  if (sender !== undefined) alert.tag = sender;
  if (target.click_action !== undefined) alert.click_action = target.click_action;
  if (target.sound !== undefined) alert.sound = target.sound;
  notification.alert = alert;
  return notification;
}

/**
 * Tigase encrypt: the ciphertext goes to the device as it came. Only the device can show it, so
 * APNS gets an alert its Notification Service Extension may rewrite (mutable-content) and FCM a
 * data message the app turns into a notification (high priority: it must run to show anything).
 */
function encrypted(n: PushNotification, target: PushTarget, sealed: EncryptedNotification, options: MappingOptions, account: string | undefined): PushNotification {
  const data: Record<string, unknown> = { [ENCRYPTED_DATA_KEY]: sealed.payload, [IV_DATA_KEY]: sealed.iv };
  if (account !== undefined) data[ACCOUNT_DATA_KEY] = account;
  if (sealed.voip) return voip(n, target, data);
  n.data = data;
  if (target.silent) return n;
  if (n.service === 'fcm') {
    n.priority ??= 'high';
    return n;
  }
  const alert: PushAlert = { title: options.defaultAlertTitle, body: options.defaultAlertBody ?? DEFAULT_ALERT_BODY };
  if (target.click_action !== undefined) alert.click_action = target.click_action;
  if (target.sound !== undefined) alert.sound = target.sound;
  n.alert = alert;
  n.mutable_content = true;
  return n;
}

/** A call: shown by the app itself (PushKit / a high-priority FCM data message), so no alert. */
function voip(n: PushNotification, target: PushTarget, data: Record<string, unknown>): PushNotification {
  n.priority = 'high'; // a ringing phone cannot wait for the device's power budget
  delete n.mutable_content; // alerts only
  n.data = data;
  if (n.service === 'apns') {
    n.voip = true; // without a topic: the pool's default topic + .voip (push-service/apns/request.ts)
    if (target.topic !== undefined) n.topic = voipTopic(target.topic);
  }
  return n;
}

/** The VoIP (PushKit) topic of an app's topic: Apple's `.voip` suffix, once. */
export function voipTopic(topic: string): string {
  return topic.endsWith(VOIP_TOPIC_SUFFIX) ? topic : `${topic}${VOIP_TOPIC_SUFFIX}`;
}

/**
 * The summary fields that were sent, as MongooseIM puts them in a silent push's `data`, less
 * what must not be forwarded (sender, body) and the call marker (a push kind, not data).
 */
function summaryData(summary: PushSummary, options: MappingOptions): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(summary)) {
    if (value === undefined || name === 'call') continue;
    if (name === 'last-message-sender' && options.forwardSender === false) continue;
    if (name === 'last-message-body' && options.forwardBody === false) continue;
    data[name] = value;
  }
  return data;
}
