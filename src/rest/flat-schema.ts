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
import type { PushNotification } from '../push-service/notification.js';
import {
  MODES,
  Problems,
  SERVICES,
  castCount,
  castData,
  castEnum,
  castString,
  type NotificationParseResult,
} from './cast.js';
import { castObject } from './cast-object.js';

const FLAT_FIELDS = {
  service: castEnum(SERVICES),
  mode: castEnum(MODES),
  title: castString,
  body: castString,
  badge: castCount,
  click_action: castString,
  tag: castString,
  topic: castString,
  data: castData,
};

/** Validates and casts a parsed v1 JSON body; `deviceId` comes from the request path. */
export function parseFlatNotification(input: unknown, deviceId: string): NotificationParseResult {
  const problems = new Problems();
  const fields = castObject(input, '', FLAT_FIELDS, ['service', 'body', 'title'], problems);
  if (fields === undefined) return { ok: false, errors: problems.list };

  // What is left once the notification's own fields are taken is the alert: title, body, badge, click_action, tag.
  const { service, mode, topic, data, ...alert } = fields;
  // MongoosePush flat.ex: mode defaults to prod, as in the deep schema.
  const notification: PushNotification = { service, device_id: deviceId, mode: mode ?? 'prod', alert };
  if (topic !== undefined) notification.topic = topic;
  if (data !== undefined) notification.data = data;
  return { ok: true, notification };
}
