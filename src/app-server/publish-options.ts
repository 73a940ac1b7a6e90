/**
 * XEP-0357 §5 publish-options, read and checked once. The XMPP server copies them verbatim from
 * the client's `<enable/>`, so they arrive as strings (MongooseIM even forwards
 * `mutable_content` and `time_to_live` as strings to MongoosePush, which casts them).
 */
import type { PushMode, PushServiceName } from '../push-service/notification.js';
import { StanzaError } from '../xmpp/stanza-error.js';
import type { RegisteredDevice } from './node-record.js';
import { preconditionNotMet } from './pubsub-errors.js';
import { AUTH_PATTERN, P256DH_PATTERN, WEBPUSH_KEY_FORMATS } from '../push-service/webpush/key-formats.js';

/** The publish-options that decide where and how a push goes. */
export interface PushTarget {
  service: PushServiceName;
  device_id: string;
  /** MongoosePush pool selection; default `prod`. */
  mode: PushMode;
  /** `silent=true`: a background push carrying the summary as data (MongooseIM). */
  silent: boolean;
  topic?: string;
  priority?: 'normal' | 'high';
  click_action?: string;
  sound?: string;
  mutable_content?: boolean;
  /** Seconds; MongoosePush declares it int32. */
  time_to_live?: number;
  /** Web Push: the subscription's keys (publish-options `p256dh` and `auth`); `device_id` is its endpoint. */
  keys?: { p256dh: string; auth: string };
}

const SERVICES: ReadonlySet<string> = new Set<PushServiceName>(['apns', 'fcm', 'webpush']);
const MODES: ReadonlySet<string> = new Set<PushMode>(['prod', 'dev']);
const PRIORITIES: ReadonlySet<string> = new Set(['normal', 'high']);
/** MongoosePush's schema types `time_to_live` as int32. */
const MAX_TIME_TO_LIVE_S = 2 ** 31 - 1;

/**
 * Validates publish-options (`secret` is read by the authorisation, never forwarded). Missing
 * `device_id`/`service` — and no device registered on the node — is XEP-0060 §7.1.5's
 * `cancel/conflict` + precondition-not-met. A value the push service could never accept (a
 * service other than apns|fcm, a bad mode, priority, boolean or ttl) is `cancel/not-acceptable`:
 * this registration can never succeed, so the XMPP server is right to disable it.
 */
export function readPublishOptions(options: Readonly<Record<string, string>>, device?: RegisteredDevice): PushTarget {
  // A node made by a register command knows its device: the App Server's record wins over
  // whatever the XMPP server copied (Conversations enables such nodes with only `secret`).
  const device_id = device?.token ?? present(options.device_id);
  const service = device?.service ?? present(options.service);
  if (device_id === undefined) throw preconditionNotMet('publish-options lack device_id');
  if (service === undefined) throw preconditionNotMet('publish-options lack service');
  if (!SERVICES.has(service)) throw notAcceptable('service', 'apns, fcm or webpush');

  const mode = device?.mode ?? present(options.mode) ?? 'prod';
  if (!MODES.has(mode)) throw notAcceptable('mode', 'prod or dev');
  const priority = present(options.priority);
  if (priority !== undefined && !PRIORITIES.has(priority)) throw notAcceptable('priority', 'normal or high');

  const target: PushTarget = {
    service: service as PushServiceName,
    device_id,
    mode: mode as PushMode,
    silent: readBoolean(options, 'silent') ?? false,
  };
  const topic = device?.topic ?? present(options.topic);
  if (topic !== undefined) target.topic = topic;
  if (priority !== undefined) target.priority = priority as 'normal' | 'high';
  const clickAction = present(options.click_action);
  if (clickAction !== undefined) target.click_action = clickAction;
  const sound = present(options.sound);
  if (sound !== undefined) target.sound = sound;
  const mutable = readBoolean(options, 'mutable_content');
  if (mutable !== undefined) target.mutable_content = mutable;
  const ttl = present(options.time_to_live);
  if (ttl !== undefined) {
    if (!/^\d{1,10}$/.test(ttl) || Number(ttl) > MAX_TIME_TO_LIVE_S) {
      throw notAcceptable('time_to_live', 'a number of seconds');
    }
    target.time_to_live = Number(ttl);
  }
  if (service === 'webpush') target.keys = device?.keys ?? readWebPushKeys(options);
  return target;
}

/**
 * Web Push's subscription keys, as the browser's PushSubscription.toJSON().keys gives them; the
 * endpoint is `device_id`. Malformed keys can never work: not-acceptable, as for a bad service.
 */
function readWebPushKeys(options: Readonly<Record<string, string>>): { p256dh: string; auth: string } {
  const p256dh = present(options.p256dh);
  const auth = present(options.auth);
  if (p256dh === undefined) throw preconditionNotMet('publish-options lack p256dh (service webpush)');
  if (auth === undefined) throw preconditionNotMet('publish-options lack auth (service webpush)');
  if (!P256DH_PATTERN.test(p256dh)) throw notAcceptable('p256dh', WEBPUSH_KEY_FORMATS.p256dh);
  if (!AUTH_PATTERN.test(auth)) throw notAcceptable('auth', WEBPUSH_KEY_FORMATS.auth);
  return { p256dh, auth };
}

/** An empty field (`<field var='topic'/>` or an empty value) counts as absent. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** XEP-0004 §3.3 boolean: "0", "1", "false", "true". */
function readBoolean(options: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const value = present(options[name]);
  if (value === undefined) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw notAcceptable(name, 'a boolean (true, false, 1, 0)');
}

function notAcceptable(field: string, expected: string): StanzaError {
  return new StanzaError('not-acceptable', 'cancel', `publish-option ${field} must be ${expected}`);
}
