/**
 * The v2/v3 "deep" request body (MongoosePush `Request.SendNotification.Deep`), validated and
 * cast into a PushNotification in one pass over the keys. Pure: no I/O, no exceptions.
 *
 * Upstream facts kept here (MongoosePush deep.ex + OpenApiSpex casting):
 * - `additionalProperties: false` at the top level and inside `alert`; `data` is free JSON.
 * - `service` is required; at least one of `alert` / `data` (upstream falls back to the
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
import type { PushAlert, PushMode, PushNotification, PushServiceName } from '../push-service/notification.js';
import {
  MODES,
  Problems,
  SERVICES,
  castBoolean,
  castCount,
  castData,
  castEnum,
  castString,
  isObject,
  type NotificationParseResult,
} from './cast.js';
import { invalidValue, messages, pointerToken } from './invalid-value.js';

export type DeepParseResult = NotificationParseResult;
export { INT32_MAX, MAX_REPORTED_ERRORS } from './cast.js';

const PRIORITIES: readonly ('normal' | 'high')[] = ['normal', 'high'];

function castTags(value: unknown, problems: Problems): string[] | undefined {
  if (!Array.isArray(value)) {
    problems.add('/tags', messages.invalidType('array', value));
    return undefined;
  }
  const before = problems.count;
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') problems.add(`/tags/${i}`, messages.invalidType('string', value[i]));
  }
  return problems.count === before ? (value as string[]) : undefined;
}

function castAlert(value: unknown, problems: Problems): PushAlert | undefined {
  if (!isObject(value)) {
    problems.add('/alert', messages.invalidType('object', value));
    return undefined;
  }
  const before = problems.count;
  let title: string | undefined;
  let body: string | undefined;
  let badge: number | undefined;
  let clickAction: string | undefined;
  let tag: string | undefined;
  let sound: string | undefined;
  for (const key of Object.keys(value)) {
    const v = value[key];
    switch (key) {
      case 'title': title = castString(v, '/alert/title', problems); break;
      case 'body': body = castString(v, '/alert/body', problems); break;
      case 'badge': badge = castCount(v, '/alert/badge', problems); break;
      case 'click_action': clickAction = castString(v, '/alert/click_action', problems); break;
      case 'tag': tag = castString(v, '/alert/tag', problems); break;
      case 'sound': sound = castString(v, '/alert/sound', problems); break;
      default: problems.add(`/alert/${pointerToken(key)}`, messages.unexpectedField(key));
    }
  }
  if (!Object.hasOwn(value, 'body')) problems.add('/alert/body', messages.missingField('body'));
  if (!Object.hasOwn(value, 'title')) problems.add('/alert/title', messages.missingField('title'));
  if (problems.count !== before || title === undefined || body === undefined) return undefined;
  const alert: PushAlert = { title, body };
  if (badge !== undefined) alert.badge = badge;
  if (clickAction !== undefined) alert.click_action = clickAction;
  if (tag !== undefined) alert.tag = tag;
  if (sound !== undefined) alert.sound = sound;
  return alert;
}

/** Validates and casts a parsed JSON body; `deviceId` comes from the request path. */
export function parseDeepNotification(input: unknown, deviceId: string): DeepParseResult {
  if (!isObject(input)) {
    return { ok: false, errors: [invalidValue('', messages.invalidType('object', input))] };
  }
  const problems = new Problems();
  let service: PushServiceName | undefined;
  let mode: PushMode | undefined;
  let priority: 'normal' | 'high' | undefined;
  let timeToLive: number | undefined;
  let mutableContent: boolean | undefined;
  let tags: string[] | undefined;
  let topic: string | undefined;
  let alert: PushAlert | undefined;
  let data: Record<string, unknown> | undefined;
  let hasAlertOrData = false;

  for (const key of Object.keys(input)) {
    const v = input[key];
    switch (key) {
      case 'service': service = castEnum(v, SERVICES, '/service', problems); break;
      case 'mode': mode = castEnum(v, MODES, '/mode', problems); break;
      case 'priority': priority = castEnum(v, PRIORITIES, '/priority', problems); break;
      case 'time_to_live': timeToLive = castCount(v, '/time_to_live', problems); break;
      case 'mutable_content': mutableContent = castBoolean(v, '/mutable_content', problems); break;
      case 'tags': tags = castTags(v, problems); break;
      case 'topic': topic = castString(v, '/topic', problems); break;
      case 'alert':
        hasAlertOrData = true;
        alert = castAlert(v, problems);
        break;
      case 'data':
        hasAlertOrData = true;
        data = castData(v, problems);
        break;
      default:
        problems.add(`/${pointerToken(key)}`, messages.unexpectedField(key));
    }
  }
  if (!Object.hasOwn(input, 'service')) problems.add('/service', messages.missingField('service'));
  if (!hasAlertOrData) problems.add('/alert', messages.missingField('alert'));
  if (problems.count > 0 || service === undefined) return { ok: false, errors: problems.list };

  // MongoosePush deep.ex: mode defaults to prod.
  const notification: PushNotification = { service, device_id: deviceId, mode: mode ?? 'prod' };
  if (priority !== undefined) notification.priority = priority;
  if (timeToLive !== undefined) notification.time_to_live = timeToLive;
  if (mutableContent !== undefined) notification.mutable_content = mutableContent;
  if (tags !== undefined) notification.tags = tags;
  if (topic !== undefined) notification.topic = topic;
  if (alert !== undefined) notification.alert = alert;
  if (data !== undefined) notification.data = data;
  return { ok: true, notification };
}
