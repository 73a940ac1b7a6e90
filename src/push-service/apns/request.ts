/**
 * One notification → one ApnsRequest, or a definite refusal decided before anything is sent:
 * a payload over Apple's limit, or values that cannot go into an HTTP/2 request at all.
 */
import { randomUUID } from 'node:crypto';
import type { PushNotification } from '../notification.js';
import { apnsExpiration, apnsPriority, apnsPushType, type ApnsRequest } from './headers.js';
import { LOCAL_REJECTIONS, type PushRejection } from './outcome.js';
import { buildApnsPayload, payloadLimitBytes } from './payload.js';

/**
 * Device tokens are hex (Apple: 32 bytes = 64 hex digits today). Anything else would not be a
 * safe `:path` segment; it is refused as Apple refuses a bad token. Apple judges the length.
 * 512 hex digits leaves room for longer tokens while keeping the path small.
 */
const DEVICE_TOKEN = /^[0-9a-fA-F]{1,512}$/;
/** apns-topic and apns-collapse-id must be visible ASCII to be valid header values at all. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;
/** UTF-8 encodes one UTF-16 code unit (a BMP character, or half of a surrogate pair's 4 bytes) in ≤ 3 bytes. */
const MAX_UTF8_BYTES_PER_CODE_UNIT = 3;
/** Apple: apns-collapse-id "must not exceed 64 bytes" (400 BadCollapseId otherwise). */
const APNS_COLLAPSE_ID_MAX_BYTES = 64;

export interface ApnsRequestDefaults {
  /** apns-topic when the notification names none (config `apns.default_topic`). */
  defaultTopic: string;
  /** Notification lifetime in seconds when it has no time_to_live (config `apns.expiration_s`). */
  expirationS: number;
}

export function prepareApnsRequest(
  n: PushNotification,
  defaults: ApnsRequestDefaults,
  nowMs: number,
): ApnsRequest | PushRejection {
  if (typeof n.device_id !== 'string' || !DEVICE_TOKEN.test(n.device_id)) return LOCAL_REJECTIONS.invalidRequest;
  const topic = voipTopic(n.topic ?? defaults.defaultTopic, n.voip === true);
  if (typeof topic !== 'string' || topic.length === 0 || !HEADER_SAFE.test(topic)) {
    return LOCAL_REJECTIONS.invalidNotification;
  }
  const collapseId = n.collapse_id;
  if (collapseId !== undefined) {
    if (typeof collapseId !== 'string' || !HEADER_SAFE.test(collapseId)) return LOCAL_REJECTIONS.invalidNotification;
    if (collapseId.length > APNS_COLLAPSE_ID_MAX_BYTES) return LOCAL_REJECTIONS.invalidRequest;
  }
  const ttl = n.time_to_live;
  if (ttl !== undefined && !(Number.isFinite(ttl) && ttl >= 0)) return LOCAL_REJECTIONS.invalidNotification;

  const pushType = apnsPushType(n, topic);
  let body: string;
  try {
    body = JSON.stringify(buildApnsPayload(n));
  } catch {
    return LOCAL_REJECTIONS.invalidNotification; // data that JSON cannot encode (cycles, BigInt)
  }
  // Apple answers 413 PayloadTooLarge; refusing here spends no stream and no round trip. A UTF-16
  // code unit is at most 3 bytes of UTF-8, so a short body needs no byte count.
  const limit = payloadLimitBytes(pushType);
  if (body.length * MAX_UTF8_BYTES_PER_CODE_UNIT > limit && Buffer.byteLength(body, 'utf8') > limit) {
    return LOCAL_REJECTIONS.payloadTooLarge;
  }

  return {
    path: '/3/device/' + n.device_id,
    topic,
    pushType,
    priority: apnsPriority(n, pushType),
    expiration: apnsExpiration(n, defaults.expirationS, nowMs),
    apnsId: randomUUID(),
    collapseId,
    body,
  };
}

/** Apple: VoIP pushes go to "your app's bundle ID with `.voip` appended". */
const VOIP_TOPIC_SUFFIX = '.voip';

function voipTopic(topic: string, voip: boolean): string {
  return voip && typeof topic === 'string' && !topic.endsWith(VOIP_TOPIC_SUFFIX) ? topic + VOIP_TOPIC_SUFFIX : topic;
}
