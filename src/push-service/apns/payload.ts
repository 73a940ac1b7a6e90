/**
 * The APNS JSON payload ("Generating a remote notification"): the `aps` dictionary Apple reads,
 * with the notification's custom `data` keys beside it, as MongoosePush builds it.
 */
import type { PushNotification } from '../notification.js';
import type { ApnsPushType } from './headers.js';

/** Apple: "the maximum payload size is 4 KB (4096 bytes)"; larger → 413 PayloadTooLarge. */
export const APNS_PAYLOAD_LIMIT_BYTES = 4_096;
/** Apple: VoIP notifications may carry up to 5 KB (5120 bytes). */
export const APNS_VOIP_PAYLOAD_LIMIT_BYTES = 5_120;

export interface ApsDictionary {
  alert?: { title: string; body: string };
  badge?: number;
  sound?: string;
  category?: string;
  'thread-id'?: string;
  'mutable-content'?: 1;
  'content-available'?: 1;
}

/**
 * `aps` from the alert (title, body, badge, sound, category ← click_action, thread-id ← tag,
 * mutable-content); without an alert a silent push: `content-available: 1` and nothing visible.
 */
function buildAps(n: PushNotification): ApsDictionary {
  const alert = n.alert;
  if (alert === undefined) return { 'content-available': 1 };
  const aps: ApsDictionary = { alert: { title: alert.title, body: alert.body } };
  if (alert.badge !== undefined) aps.badge = alert.badge;
  if (alert.sound !== undefined) aps.sound = alert.sound;
  if (alert.click_action !== undefined) aps.category = alert.click_action;
  if (alert.tag !== undefined) aps['thread-id'] = alert.tag;
  // Lets a notification service extension rewrite the alert; only alerts are shown, so only they.
  if (n.mutable_content === true) aps['mutable-content'] = 1;
  return aps;
}

/**
 * The whole payload: `aps` first, then every `data` key beside it. A `data.aps` never replaces
 * the one built here. With `data`, the object has no prototype, so a `__proto__` key from client
 * JSON is kept as a plain key instead of changing the object's prototype. Without it (every
 * alert MongooseIM sends) it is a plain literal: V8 keeps a prototype-less object in dictionary
 * mode, which JSON.stringify walks at about half the speed.
 */
export function buildApnsPayload(n: PushNotification): Record<string, unknown> {
  const data = n.data;
  if (data === undefined) return { aps: buildAps(n) };
  const payload: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  payload.aps = buildAps(n);
  for (const key of Object.keys(data)) if (key !== 'aps') payload[key] = data[key];
  return payload;
}

export function payloadLimitBytes(pushType: ApnsPushType): number {
  return pushType === 'voip' ? APNS_VOIP_PAYLOAD_LIMIT_BYTES : APNS_PAYLOAD_LIMIT_BYTES;
}
