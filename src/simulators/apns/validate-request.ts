/**
 * Pure checks of an APNS provider request, in the order Apple applies them (reference:
 * apns-fcm.md "A faithful simulator should"): duplicate headers, message id, method, topic,
 * collapse id, priority, expiration, push type, path and token format — then (in the server)
 * per-token outcomes such as Unregistered — then token-for-topic, then auth, then the payload.
 */
import { rejection, type Rejection } from './reasons.js';

/** apns-collapse-id: "must not exceed 64 bytes" (Apple, Sending notification requests). */
const MAX_COLLAPSE_ID_BYTES = 64;
/** Payload limit for every push type but VoIP, in bytes. */
const MAX_PAYLOAD_BYTES = 4096;
/** VoIP payload limit, in bytes. */
export const MAX_VOIP_PAYLOAD_BYTES = 5120;

export const DEVICE_PATH_PREFIX = '/3/device/';
const DEVICE_TOKEN = /^[0-9a-fA-F]{64,}$/;
const CANONICAL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const EPOCH_SECONDS = /^\d{1,12}$/;
/** apns-priority: 10 immediate, 5 power-aware, 1 lowest. */
const PRIORITIES = new Set(['1', '5', '10']);

/**
 * Apple's push types and the apns-topic suffix each one requires ("apns-push-type" table).
 * A topic without the suffix names the app's ordinary token space, so the device token cannot
 * belong to it: Apple answers DeviceTokenNotForTopic, the reason senders report for a VoIP push
 * sent to the bare bundle id (InvalidPushType is for an unknown push-type value).
 */
const PUSH_TYPE_TOPIC_SUFFIX: Readonly<Record<string, string>> = {
  alert: '',
  background: '',
  mdm: '',
  voip: '.voip',
  complication: '.complication',
  fileprovider: '.pushkit.fileprovider',
  location: '.location-query',
  liveactivity: '.push-type.liveactivity',
  pushtotalk: '.voip-ptt',
};

/** apns-id "is a canonical UUID that's the unique ID for the notification" (Apple). */
export function isCanonicalUuid(value: string): boolean {
  return CANONICAL_UUID.test(value);
}

export type HeaderValue = string | string[] | undefined;
export type RequestHeaders = Readonly<Record<string, HeaderValue>>;

export interface HeaderRules {
  /** Allowed apns-topic values; undefined allows any topic. */
  topics?: ReadonlySet<string>;
  /** The topics of the connection's trusted client certificate (certificate auth). */
  certificateTopics?: readonly string[];
}

/** The fields of a request that passed the header checks (raw header strings kept as sent). */
export interface ParsedRequest {
  token: string;
  topic: string;
  pushType: string | undefined;
  priority: string | undefined;
  expiration: string | undefined;
  apnsId: string | undefined;
  collapseId: string | undefined;
}

export type HeaderCheck = { ok: true; request: ParsedRequest } | { ok: false; rejection: Rejection };

const fail = (reason: Parameters<typeof rejection>[0]): HeaderCheck => ({
  ok: false,
  rejection: rejection(reason),
});

/**
 * `rawHeaders` are the header fields as received, name and value alternating: node:http2 joins a
 * repeated field into one value, so only the raw list shows the repetition (DuplicateHeaders).
 */
export function validateHeaders(
  method: string,
  path: string,
  headers: RequestHeaders,
  rawHeaders: readonly string[],
  rules: HeaderRules,
): HeaderCheck {
  if (hasRepeatedField(rawHeaders)) return fail('DuplicateHeaders');
  const apnsId = headers['apns-id'] as string | undefined;
  let topic = headers['apns-topic'] as string | undefined;
  const collapseId = headers['apns-collapse-id'] as string | undefined;
  const priority = headers['apns-priority'] as string | undefined;
  const expiration = headers['apns-expiration'] as string | undefined;
  const pushType = headers['apns-push-type'] as string | undefined;

  if (apnsId !== undefined && !isCanonicalUuid(apnsId)) return fail('BadMessageId');
  if (method !== 'POST') return fail('MethodNotAllowed');
  // Apple (apns-topic): required with token auth; "If you omit this header and your APNs
  // certificate does not specify multiple topics, the APNs server uses the certificate's Subject
  // as the default topic" — here, the certificate's only configured topic.
  if (topic === undefined || topic === '') {
    if (rules.certificateTopics?.length !== 1) return fail('MissingTopic');
    topic = rules.certificateTopics[0]!;
  }
  if (rules.topics !== undefined && !rules.topics.has(topic)) return fail('TopicDisallowed');
  // A topic the certificate does not cover: "pushing to this topic is not allowed".
  if (rules.certificateTopics !== undefined && !rules.certificateTopics.includes(topic)) return fail('TopicDisallowed');
  if (collapseId !== undefined && Buffer.byteLength(collapseId) > MAX_COLLAPSE_ID_BYTES) {
    return fail('BadCollapseId');
  }
  if (priority !== undefined && !PRIORITIES.has(priority)) return fail('BadPriority');
  // Background notifications must not ask for immediate delivery (Apple: use priority 5).
  if (pushType === 'background' && priority === '10') return fail('BadPriority');
  if (expiration !== undefined && !EPOCH_SECONDS.test(expiration)) return fail('BadExpirationDate');
  if (pushType !== undefined && !Object.hasOwn(PUSH_TYPE_TOPIC_SUFFIX, pushType)) {
    return fail('InvalidPushType');
  }
  if (!path.startsWith(DEVICE_PATH_PREFIX)) return fail('BadPath');
  const token = path.slice(DEVICE_PATH_PREFIX.length);
  if (token === '') return fail('MissingDeviceToken');
  if (!DEVICE_TOKEN.test(token)) return fail('BadDeviceToken');
  return { ok: true, request: { token, topic, pushType, priority, expiration, apnsId, collapseId } };
}

function hasRepeatedField(rawHeaders: readonly string[]): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (seen.has(name)) return true;
    seen.add(name);
  }
  return false;
}

/** The token-for-topic step: a push type with a topic suffix needs a topic that carries it. */
export function validateTopicForPushType(request: ParsedRequest): Rejection | undefined {
  const suffix = PUSH_TYPE_TOPIC_SUFFIX[request.pushType ?? 'alert'] ?? '';
  if (suffix !== '' && !request.topic.endsWith(suffix)) return rejection('DeviceTokenNotForTopic');
  return undefined;
}

function payloadLimit(pushType: string | undefined): number {
  return pushType === 'voip' ? MAX_VOIP_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
}

export type PayloadCheck = { ok: true; payload: unknown } | { ok: false; rejection: Rejection };

/**
 * The payload step. `byteLength` is the full body size; `body` may hold only its first bytes
 * (the server stops buffering past the largest limit).
 */
export function validatePayload(body: Buffer, byteLength: number, pushType: string | undefined): PayloadCheck {
  if (byteLength === 0) return { ok: false, rejection: rejection('PayloadEmpty') };
  if (byteLength > payloadLimit(pushType)) return { ok: false, rejection: rejection('PayloadTooLarge') };
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, rejection: rejection('BadPayload') };
  }
  // The payload is a JSON dictionary (Apple: "Generating a remote notification").
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, rejection: rejection('BadPayload') };
  }
  return { ok: true, payload };
}
