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
import type { PushAlert, PushMode, PushNotification, PushServiceName } from '../notification.js';
import { invalidValue, messages, pointerToken, type InvalidValue } from './invalid-value.js';

export type DeepParseResult =
  | { ok: true; notification: PushNotification }
  | { ok: false; errors: InvalidValue[] };

/** OpenAPI `format: int32` upper bound. */
export const INT32_MAX = 2_147_483_647;
/**
 * The schema has ten fields; a body with more problems than this is garbage, and its 422 must
 * not grow with the garbage (each entry echoes a key).
 */
export const MAX_REPORTED_ERRORS = 32;

const SERVICES: readonly PushServiceName[] = ['apns', 'fcm'];
const MODES: readonly PushMode[] = ['prod', 'dev'];
const PRIORITIES: readonly ('normal' | 'high')[] = ['normal', 'high'];
/** Decimal integer text as MongooseIM writes it ("3600"); no exponents, no fractions. */
const INTEGER_TEXT = /^[+-]?\d+$/;

/** Collects problems; `count` keeps counting past the reporting cap so failure is never missed. */
class Problems {
  readonly list: InvalidValue[] = [];
  count = 0;
  add(pointer: string, message: string): void {
    this.count++;
    if (this.list.length < MAX_REPORTED_ERRORS) this.list.push(invalidValue(pointer, message));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function castString(value: unknown, pointer: string, problems: Problems): string | undefined {
  if (typeof value === 'string') return value;
  problems.add(pointer, messages.invalidType('string', value));
  return undefined;
}

function castEnum<T extends string>(
  value: unknown,
  allowed: readonly T[],
  pointer: string,
  problems: Problems,
): T | undefined {
  const text = castString(value, pointer, problems);
  if (text === undefined) return undefined;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  problems.add(pointer, messages.invalidEnum());
  return undefined;
}

/** A non-negative int32, from a JSON number or its decimal text. */
function castCount(value: unknown, pointer: string, problems: Problems): number | undefined {
  let n: number;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value)) n = Number(value);
  else {
    problems.add(pointer, messages.invalidType('integer', value));
    return undefined;
  }
  if (n > INT32_MAX) problems.add(pointer, messages.aboveMaximum(n, INT32_MAX));
  else if (n < 0) problems.add(pointer, messages.belowMinimum(n, 0));
  else return n;
  return undefined;
}

function castBoolean(value: unknown, pointer: string, problems: Problems): boolean | undefined {
  if (typeof value === 'boolean') return value;
  // OpenApiSpex.Cast.Primitive: exactly "true" / "false".
  if (value === 'true') return true;
  if (value === 'false') return false;
  problems.add(pointer, messages.invalidType('boolean', value));
  return undefined;
}

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
        if (isObject(v)) data = v;
        else problems.add('/data', messages.invalidType('object', v));
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
