/**
 * The v1 "flat" request body (MongoosePush `Request.SendNotification.Flat`, deprecated upstream
 * and still served), validated and cast into a PushNotification in one pass over the keys.
 * Pure: no I/O, no exceptions.
 *
 * Upstream facts kept here:
 * - Required `service`, `body`, `title`; optional `badge`, `click_action`, `tag`, `topic`,
 *   `data`, `mode` (default prod); `additionalProperties: false`; `data` is free JSON.
 * - The alert fields sit at the top level and become the notification's `alert`.
 * - Casting (string-typed integers like `"badge":"1"`) is the deep schema's, from cast.ts.
 */
import type { PushAlert, PushMode, PushNotification, PushServiceName } from '../push-service/notification.js';
import {
  MODES,
  Problems,
  SERVICES,
  castCount,
  castData,
  castEnum,
  castString,
  isObject,
  type NotificationParseResult,
} from './cast.js';
import { invalidValue, messages, pointerToken } from './invalid-value.js';

const REQUIRED = ['service', 'body', 'title'] as const;

/** Validates and casts a parsed v1 JSON body; `deviceId` comes from the request path. */
export function parseFlatNotification(input: unknown, deviceId: string): NotificationParseResult {
  if (!isObject(input)) {
    return { ok: false, errors: [invalidValue('', messages.invalidType('object', input))] };
  }
  const problems = new Problems();
  let service: PushServiceName | undefined;
  let mode: PushMode | undefined;
  let title: string | undefined;
  let body: string | undefined;
  let badge: number | undefined;
  let clickAction: string | undefined;
  let tag: string | undefined;
  let topic: string | undefined;
  let data: Record<string, unknown> | undefined;

  for (const key of Object.keys(input)) {
    const v = input[key];
    switch (key) {
      case 'service': service = castEnum(v, SERVICES, '/service', problems); break;
      case 'mode': mode = castEnum(v, MODES, '/mode', problems); break;
      case 'title': title = castString(v, '/title', problems); break;
      case 'body': body = castString(v, '/body', problems); break;
      case 'badge': badge = castCount(v, '/badge', problems); break;
      case 'click_action': clickAction = castString(v, '/click_action', problems); break;
      case 'tag': tag = castString(v, '/tag', problems); break;
      case 'topic': topic = castString(v, '/topic', problems); break;
      case 'data': data = castData(v, problems); break;
      default: problems.add(`/${pointerToken(key)}`, messages.unexpectedField(key));
    }
  }
  for (const name of REQUIRED) {
    if (!Object.hasOwn(input, name)) problems.add(`/${name}`, messages.missingField(name));
  }
  if (problems.count > 0 || service === undefined || title === undefined || body === undefined) {
    return { ok: false, errors: problems.list };
  }

  const alert: PushAlert = { title, body };
  if (badge !== undefined) alert.badge = badge;
  if (clickAction !== undefined) alert.click_action = clickAction;
  if (tag !== undefined) alert.tag = tag;
  // MongoosePush flat.ex: mode defaults to prod, as in the deep schema.
  const notification: PushNotification = { service, device_id: deviceId, mode: mode ?? 'prod', alert };
  if (topic !== undefined) notification.topic = topic;
  if (data !== undefined) notification.data = data;
  return { ok: true, notification };
}
