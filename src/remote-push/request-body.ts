/**
 * The JSON body MongooseIM's mod_push_service_mongoosepush POSTs to MongoosePush, built from a
 * PushNotification (reference "mongoosepush-api.md", MongooseIM `make_notification/2`). Pure.
 *
 * v2/v3, the "deep" body, as MongooseIM builds it:
 * - `service`, then `mode`, `priority`, `topic`, `mutable_content`, `time_to_live` — the
 *   publish-options MongooseIM copies (`maps:with/2`), `mutable_content` and `time_to_live` as
 *   the strings it copies ("true", "3600"); MongoosePush casts them;
 * - `alert` {body, title, tag, badge, click_action, sound}, or for a silent push `data` (the
 *   summary, `message-count` as an integer).
 * Keys are written in the order of the reference's example requests. (MongooseIM's own byte
 * order is whatever jiffy makes of an Erlang map, which no receiver may depend on.)
 *
 * Where a PushNotification says more or less than MongooseIM would:
 * - `mode` is always sent: the notification carries the resolved mode (publish-options without
 *   one mean `prod`, which is also every MongoosePush-compatible service's default), whereas
 *   MongooseIM copies it only when the client set it. Same meaning, explicit.
 * - `tags` are sent when present. MongooseIM never sends them because in MongooseIM they would
 *   come from a user's publish-options; Herald's App Server never takes them from users.
 * - `collapse_id` has no field in the MongoosePush contract (`additionalProperties: false`) and
 *   is left out.
 *
 * v1, the "flat" body: `service`, `mode`, `topic`, the alert fields at the top level, `data`.
 * v1 requires `body` and `title`, so it cannot carry a silent push, and it has no field for
 * `priority`, `sound`, `mutable_content`, `time_to_live` or `tags`: those are left out.
 */
import type { PushNotification } from '../push-service/notification.js';

/** Pool tag asking a MongoosePush-compatible service for its VoIP pool. */
const VOIP_POOL_TAG = 'voip';

/** The MongoosePush API versions (path prefix `/{version}/notification/{device_id}`). */
export type RemoteApiVersion = 'v1' | 'v2' | 'v3';
export const REMOTE_API_VERSIONS: readonly RemoteApiVersion[] = ['v1', 'v2', 'v3'];

export type RemoteRequestBody =
  | { ok: true; json: string }
  /** The notification cannot be expressed in this API version (our configuration's fault). */
  | { ok: false; problem: string };

export const V1_CANNOT_CARRY_SILENT = 'api_version v1 cannot carry a silent push (it requires body and title); use v3';

/** Push 2.0's sender-encrypted Web Push bodies have no field in the MongoosePush contract. */
export const READY_BODY_NOT_CARRIED = 'the MongoosePush API cannot carry a sender-encrypted Web Push body (Push 2.0)';

export function remoteRequestBody(n: PushNotification, version: RemoteApiVersion): RemoteRequestBody {
  if (n.ready_body !== undefined) return { ok: false, problem: READY_BODY_NOT_CARRIED };
  if (version === 'v1') return flatBody(n);
  return { ok: true, json: JSON.stringify(deepBody(n)) };
}

/** MongoosePush `Request.SendNotification.Deep` (v2, v3). */
export function deepBody(n: PushNotification): Record<string, unknown> {
  const body: Record<string, unknown> = { service: n.service, mode: n.mode };
  if (n.priority !== undefined) body.priority = n.priority;
  if (n.topic !== undefined) body.topic = n.topic;
  // MongooseIM forwards these publish-options verbatim, as strings.
  if (n.mutable_content !== undefined) body.mutable_content = String(n.mutable_content);
  if (n.time_to_live !== undefined) body.time_to_live = String(n.time_to_live);
  if (n.tags !== undefined) body.tags = n.tags;
  // A VoIP push without a topic: the MongoosePush contract has no push type, so the remote
  // service needs a pool tagged `voip` whose default topic is the .voip one.
  else if (n.voip === true && n.topic === undefined) body.tags = [VOIP_POOL_TAG];
  const alert = n.alert;
  if (alert !== undefined) {
    const a: Record<string, unknown> = { body: alert.body, title: alert.title };
    if (alert.tag !== undefined) a.tag = alert.tag;
    if (alert.badge !== undefined) a.badge = alert.badge;
    if (alert.click_action !== undefined) a.click_action = alert.click_action;
    if (alert.sound !== undefined) a.sound = alert.sound;
    body.alert = a;
  }
  if (n.data !== undefined) body.data = n.data;
  return body;
}

/** MongoosePush `Request.SendNotification.Flat` (v1). */
function flatBody(n: PushNotification): RemoteRequestBody {
  const alert = n.alert;
  if (alert === undefined) return { ok: false, problem: V1_CANNOT_CARRY_SILENT };
  const body: Record<string, unknown> = { service: n.service, mode: n.mode };
  if (n.topic !== undefined) body.topic = n.topic;
  body.body = alert.body;
  body.title = alert.title;
  if (alert.tag !== undefined) body.tag = alert.tag;
  if (alert.badge !== undefined) body.badge = alert.badge;
  if (alert.click_action !== undefined) body.click_action = alert.click_action;
  if (n.data !== undefined) body.data = n.data;
  return { ok: true, json: JSON.stringify(body) };
}
