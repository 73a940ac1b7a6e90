/**
 * PushPublish → PushNotification, as MongooseIM's mod_push_service_mongoosepush builds its
 * MongoosePush request (see the reference "mongoosepush-api.md"):
 * - `silent=true` in publish-options, or a summary without a body → a silent push whose `data`
 *   is the whole summary (`message-count` as an integer);
 * - otherwise an alert: title = last-message-sender, body = last-message-body, badge =
 *   message-count, tag = sender, click_action and sound from publish-options.
 * Pure: no I/O, no clock.
 */
import type { PushAlert, PushNotification } from '../push-service/notification.js';
import type { PushPublish, PushSummary } from '../xmpp/push-publish.js';
import { readPublishOptions } from './publish-options.js';

export interface MappingOptions {
  /** Alert title when the summary names no sender (config `app_server.default_alert_title`). */
  defaultAlertTitle: string;
}

/** @throws StanzaError when the publish-options are missing or unusable (see publish-options.ts). */
export function toPushNotification(publish: PushPublish, options: MappingOptions): PushNotification {
  const target = readPublishOptions(publish.publishOptions);
  const notification: PushNotification = { service: target.service, device_id: target.device_id, mode: target.mode };
  if (target.topic !== undefined) notification.topic = target.topic;
  if (target.priority !== undefined) notification.priority = target.priority;
  if (target.mutable_content !== undefined) notification.mutable_content = target.mutable_content;
  if (target.time_to_live !== undefined) notification.time_to_live = target.time_to_live;

  const summary = publish.summary;
  const body = summary['last-message-body'];
  if (target.silent || body === undefined) {
    notification.data = summaryData(summary);
    return notification;
  }
  const sender = summary['last-message-sender'];
  const alert: PushAlert = { title: sender ?? options.defaultAlertTitle, body };
  if (summary['message-count'] !== undefined) alert.badge = summary['message-count'];
  if (sender !== undefined) alert.tag = sender;
  if (target.click_action !== undefined) alert.click_action = target.click_action;
  if (target.sound !== undefined) alert.sound = target.sound;
  notification.alert = alert;
  return notification;
}

/** The summary fields that were sent, as MongooseIM puts them in a silent push's `data`. */
function summaryData(summary: PushSummary): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(summary)) if (value !== undefined) data[name] = value;
  return data;
}
