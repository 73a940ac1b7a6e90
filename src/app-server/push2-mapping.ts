/**
 * Push 2.0 notification → PushNotification for the device a register command stored (pure). The
 * payload is the user's server's RFC 8291 body, encrypted to keys only the device holds: it
 * travels untouched, as the standard base64 it came in.
 *
 * - APNS: a `mutable-content` alert with the configured default title / body, so the app's
 *   Notification Service Extension runs, decrypts `push2-payload` and replaces the text. Apple:
 *   a background push cannot carry an alert and is throttled, so `low` is still an alert, sent at
 *   apns-priority 5 (delivered when the device's power budget allows); high / normal → 10.
 * - FCM: a data message (no `notification`: the app decrypts and shows it); android priority
 *   high for high / normal (the app must run to show anything), normal for low.
 * - Web Push: the body POSTed as it is (`ready_body`; '' for notify-only, RFC 8030 §5), Urgency
 *   = the priority, under Herald's VAPID.
 * - `<voip/>`: a VoIP push (APNS PushKit to the topic + `.voip`, FCM high priority), no alert.
 *
 * `data` keys, APNS beside `aps`, FCM in `data` (absent ones are left out):
 *   push2-payload   the `<payload/>` text (standard base64 of the aes128gcm body)
 *   push2-jwt       the `<jwt/>` compact JWS; push2-jwt-key its `key` (standard base64)
 *   push2-priority  high | normal | low
 * A notify-only notification carries only `push2-priority`: a wake-up.
 */
import type { PushNotification } from '../push-service/notification.js';
import type { Push2Notification } from '../xmpp/push2/push2-types.js';
import type { RegisteredDevice } from './node-record.js';
import { DEFAULT_ALERT_BODY, voipTopic, type MappingOptions, type PushKind } from './notification-mapping.js';

export const PUSH2_DATA_KEYS = {
  payload: 'push2-payload',
  jwt: 'push2-jwt',
  jwtKey: 'push2-jwt-key',
  priority: 'push2-priority',
} as const;

export function push2KindOf(n: Push2Notification): PushKind {
  return n.voip ? 'voip' : 'alert';
}

export function push2ToPushNotification(n: Push2Notification, device: RegisteredDevice, options: MappingOptions): PushNotification {
  const out: PushNotification = { service: device.service, device_id: device.token, mode: device.mode ?? 'prod' };
  if (device.topic !== undefined) out.topic = device.topic;
  if (device.service === 'webpush') {
    if (device.keys !== undefined) out.keys = device.keys;
    out.ready_body = n.encrypted ?? '';
    out.urgency = n.priority;
    if (n.jwt) out.sender_vapid = { token: n.jwt.token, key: n.jwt.key };
    return out;
  }
  out.data = push2Data(n);
  out.priority = n.voip || n.priority !== 'low' ? 'high' : 'normal';
  if (n.voip) {
    if (device.service === 'apns') {
      out.voip = true; // without a topic: the pool's default topic + .voip (push-service/apns/request.ts)
      if (device.topic !== undefined) out.topic = voipTopic(device.topic);
    }
    return out;
  }
  if (device.service === 'apns') {
    out.alert = { title: options.defaultAlertTitle, body: options.defaultAlertBody ?? DEFAULT_ALERT_BODY };
    out.mutable_content = true;
  }
  return out;
}

function push2Data(n: Push2Notification): Record<string, string> {
  const data: Record<string, string> = { [PUSH2_DATA_KEYS.priority]: n.priority };
  if (n.encrypted !== undefined) data[PUSH2_DATA_KEYS.payload] = n.encrypted;
  if (n.jwt !== undefined) {
    data[PUSH2_DATA_KEYS.jwt] = n.jwt.token;
    data[PUSH2_DATA_KEYS.jwtKey] = n.jwt.key;
  }
  return data;
}
