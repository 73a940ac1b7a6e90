/**
 * The v2/v3 "deep" request body (MongoosePush `Request.SendNotification.Deep`), validated and
 * cast into a PushNotification in one pass over the keys. Pure: no I/O, no exceptions.
 *
 * Upstream facts kept here (MongoosePush deep.ex + OpenApiSpex casting):
 * - `additionalProperties: false` at the top level and inside `alert`; `data` is free JSON.
 * - `service` is required (Herald adds "webpush", whose subscription keys `p256dh` and `auth`
 *   are then required: webpush-keys.ts); at least one of `alert` / `data` (upstream falls back to the
 *   AlertNotification schema, so a body with neither reports "Missing field: alert").
 * - Integers and booleans are cast from strings: MongooseIM copies `time_to_live` ("3600") and
 *   `mutable_content` ("true") verbatim from the XEP-0357 publish-options form.
 *
 * Stricter than upstream (MongooseIM's requests never hit these): integers must be integral
 * (upstream rounds 1.5), lie in int32 and be ≥ 0 (a negative TTL or badge means nothing to
 * APNS/FCM), and `null` is not "absent".
 *
 * Every problem is reported, not only the first, up to MAX_REPORTED_ERRORS.
 */
import type { PushAlert, PushNotification } from '../push-service/notification.js';
import {
  DEEP_SERVICES,
  MODES,
  Problems,
  castBoolean,
  castCount,
  castData,
  castEnum,
  castPattern,
  castString,
  isObject,
  type Cast,
  type NotificationParseResult,
} from './cast.js';
import { castObject } from './cast-object.js';
import { messages } from './invalid-value.js';
import { AUTH_PATTERN, P256DH_PATTERN, WEBPUSH_KEY_FIELDS, WEBPUSH_KEY_FORMATS } from '../push-service/webpush/key-formats.js';

export type DeepParseResult = NotificationParseResult;
export { INT32_MAX, MAX_REPORTED_ERRORS } from './cast.js';

const PRIORITIES: readonly ('normal' | 'high')[] = ['normal', 'high'];

const castTags: Cast<string[]> = (value, pointer, problems) => {
  if (!Array.isArray(value)) {
    problems.add(pointer, messages.invalidType('array', value));
    return undefined;
  }
  const before = problems.count;
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') problems.add(`${pointer}/${i}`, messages.invalidType('string', value[i]));
  }
  return problems.count === before ? (value as string[]) : undefined;
};

const ALERT_FIELDS = {
  title: castString,
  body: castString,
  badge: castCount,
  click_action: castString,
  tag: castString,
  sound: castString,
};

/** Upstream's AlertNotification: body and title required (reported in that order). */
const castAlert: Cast<PushAlert> = (value, pointer, problems) =>
  castObject(value, pointer, ALERT_FIELDS, ['body', 'title'], problems);

const DEEP_FIELDS = {
  service: castEnum(DEEP_SERVICES),
  mode: castEnum(MODES),
  priority: castEnum(PRIORITIES),
  time_to_live: castCount,
  mutable_content: castBoolean,
  tags: castTags,
  topic: castString,
  alert: castAlert,
  data: castData,
  p256dh: castPattern(P256DH_PATTERN, WEBPUSH_KEY_FORMATS.p256dh),
  auth: castPattern(AUTH_PATTERN, WEBPUSH_KEY_FORMATS.auth),
};

/** `p256dh` and `auth`: required with service "webpush", unexpected with any other. */
function checkWebPushKeys(input: Record<string, unknown>, problems: Problems): void {
  const webpush = input.service === 'webpush';
  for (const key of WEBPUSH_KEY_FIELDS) {
    const present = Object.hasOwn(input, key);
    if (webpush && !present) problems.add(`/${key}`, messages.missingField(key));
    if (!webpush && present && DEEP_SERVICES.includes(input.service as never)) problems.add(`/${key}`, messages.unexpectedField(key));
  }
}

/** Validates and casts a parsed JSON body; `deviceId` comes from the request path. */
export function parseDeepNotification(input: unknown, deviceId: string): DeepParseResult {
  const problems = new Problems();
  const fields = castObject(input, '', DEEP_FIELDS, ['service'], problems);
  if (isObject(input) && !Object.hasOwn(input, 'alert') && !Object.hasOwn(input, 'data')) {
    problems.add('/alert', messages.missingField('alert'));
  }
  if (isObject(input)) checkWebPushKeys(input, problems);
  if (fields === undefined || problems.count > 0) return { ok: false, errors: problems.list };

  // MongoosePush deep.ex: mode defaults to prod.
  const { service, mode, p256dh, auth, ...rest } = fields;
  const notification: PushNotification = { service, device_id: deviceId, mode: mode ?? 'prod', ...rest };
  if (p256dh !== undefined && auth !== undefined) notification.keys = { p256dh, auth };
  return { ok: true, notification };
}
