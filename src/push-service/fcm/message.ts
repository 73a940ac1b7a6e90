/**
 * PushNotification → FCM HTTP v1 send body, as MongoosePush maps it (reference:
 * mongoosepush-api.md): android.notification {title, body, click_action, tag, sound},
 * android.priority, android.ttl "Ns", data values as strings. Pure.
 */
import type { PushNotification } from '../notification.js';
import { LOCAL_REJECTIONS, type PushRejection } from '../http2/rejections.js';

/** FCM: a message over 4096 bytes is INVALID_ARGUMENT; refusing here spends no stream. */
export const MAX_FCM_MESSAGE_BYTES = 4_096;
/** FCM android.ttl range: 0 to 28 days. */
const MAX_FCM_TTL_S = 2_419_200;

export interface FcmDefaults {
  /** android.ttl when the notification names none (config `fcm.default_ttl_s`). */
  ttlS: number;
}

/** A send ready for the wire. */
export interface FcmRequest {
  /** JSON body `{"message": …}`. */
  body: string;
}

export type FcmMessage = Record<string, unknown>;

/** FCM `data` is map<string, string>: numbers and booleans become their text, objects JSON. */
export function fcmData(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

export function fcmMessage(n: PushNotification, defaults: FcmDefaults): FcmMessage {
  const ttl = Math.min(Math.max(0, Math.floor(n.time_to_live ?? defaults.ttlS)), MAX_FCM_TTL_S);
  const android: Record<string, unknown> = { priority: n.priority ?? (n.alert ? 'high' : 'normal'), ttl: `${ttl}s` };
  if (n.collapse_id !== undefined) android.collapse_key = n.collapse_id;
  if (n.alert !== undefined) {
    const a = n.alert;
    const notification: Record<string, string> = { title: a.title, body: a.body };
    if (a.click_action !== undefined) notification.click_action = a.click_action;
    if (a.tag !== undefined) notification.tag = a.tag;
    if (a.sound !== undefined) notification.sound = a.sound;
    android.notification = notification;
  }
  const message: FcmMessage = { token: n.device_id, android };
  if (n.data !== undefined && Object.keys(n.data).length > 0) message.data = fcmData(n.data);
  return message;
}

/** The request, or the refusal decided without FCM (oversize, unencodable, no token). */
export function prepareFcmRequest(n: PushNotification, defaults: FcmDefaults): FcmRequest | PushRejection {
  if (typeof n.device_id !== 'string' || n.device_id === '') return LOCAL_REJECTIONS.invalidRequest;
  let message: string;
  try {
    message = JSON.stringify(fcmMessage(n, defaults));
  } catch {
    return LOCAL_REJECTIONS.invalidNotification; // data JSON cannot encode (cycles, BigInt)
  }
  if (Buffer.byteLength(message, 'utf8') > MAX_FCM_MESSAGE_BYTES) return LOCAL_REJECTIONS.payloadTooLarge;
  return { body: `{"message":${message}}` };
}
