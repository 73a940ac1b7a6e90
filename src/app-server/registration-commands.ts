/**
 * The registration commands (XEP-0050), as the app servers p2 (Conversations) and mod_pushoff
 * offer them, so that a client need not create and configure a push node itself (pure):
 *
 * - `register-push-apns` / `register-push-fcm`: a `submit` form with `token` (the device token),
 *   optionally `device-id` (p2's iOS field; `android-id` is read the same) naming the device so
 *   that registering it again updates its node, `mode` (prod|dev) and, for APNS, `topic`. The
 *   answer is a `result` form with `jid` (this service), `node` and `secret` for the client's
 *   `<enable/>` (XEP-0357 §5: `secret` goes into its publish-options), and `client`, the
 *   Push 2.0 `<client/>` string of the same device (push2-client.ts: the node and its secret)
 *   for a client that enables `urn:xmpp:push2:0` instead.
 * - `register-push-webpush`: the same for a browser's PushSubscription: `endpoint` (an https
 *   URL, stored as the device token), `p256dh` and `auth` (its keys, base64url), `device-id`.
 * - `unregister-push`: removes the requester's registration named by `node`, `device-id` or
 *   `token`, or all of the requester's registrations when the form names none (mod_pushoff).
 */
import { createHmac, randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { PushMode, PushServiceName } from '../push-service/notification.js';
import { singleValue, type DataForm } from '../xmpp/data-form.js';
import { NS } from '../xmpp/namespaces.js';
import { commandErrors } from './ad-hoc.js';
import type { RegisteredDevice } from './node-record.js';
import { push2ClientString } from './push2-client.js';
import { AUTH_PATTERN, P256DH_PATTERN, WEBPUSH_KEY_FIELDS, WEBPUSH_KEY_FORMATS } from '../push-service/webpush/key-formats.js';
import { endpointOrigin } from '../push-service/webpush/subscription.js';

export const REGISTER_APNS = 'register-push-apns';
export const REGISTER_FCM = 'register-push-fcm';
export const REGISTER_WEBPUSH = 'register-push-webpush';
export const UNREGISTER = 'unregister-push';

/** XEP-0050 §2.2 disco#items names of the commands. */
export const REGISTRATION_COMMANDS: ReadonlyArray<{ node: string; name: string }> = [
  { node: REGISTER_APNS, name: 'Register an APNS device token for push notifications' },
  { node: REGISTER_FCM, name: 'Register an FCM device token for push notifications' },
  { node: REGISTER_WEBPUSH, name: 'Register a Web Push subscription for push notifications' },
  { node: UNREGISTER, name: 'Remove push registrations' },
];

export const SERVICE_OF: Readonly<Record<string, PushServiceName>> = { [REGISTER_APNS]: 'apns', [REGISTER_FCM]: 'fcm', [REGISTER_WEBPUSH]: 'webpush' };

const SERVICE_TITLES: Readonly<Record<PushServiceName, string>> = { apns: 'APNS', fcm: 'FCM', webpush: 'Web Push' };

/**
 * Device tokens go into a URL path (APNS `/3/device/<token>`) and into the node record: APNS
 * tokens are 64 hex characters, FCM registration tokens about 160; 4 KiB leaves room for any.
 */
const MAX_TOKEN_CHARS = 4_096;
/** APNS topics are bundle ids (plus `.voip` etc.); Apple caps them well below this. */
const MAX_TOPIC_CHARS = 255;
/** 144 random bits per secret (24 base64url characters, as long as p2's). */
const SECRET_BYTES = 18;

/** Visible ASCII without spaces: what may stand in a URL path segment without escaping. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

export interface DeviceRegistration {
  device: RegisteredDevice;
  /** What identifies the device across registrations: `device-id`, else `android-id`, else the token. */
  deviceKey: string;
}

/** The form a register command shows (XEP-0050 §3.4 `executing` stage). */
export function registrationForm(service: PushServiceName): Element {
  const fields = [
    ...(service === 'webpush' ? webPushFields() : [field('token', 'text-single', service === 'apns' ? 'APNS device token (hex)' : 'FCM registration token', true)]),
    field('device-id', 'text-single', 'A stable identifier of this device (registering it again updates its node)'),
    xml(
      'field',
      { var: 'mode', type: 'list-single', label: 'Push environment' },
      xml('option', {}, xml('value', {}, 'prod')),
      xml('option', {}, xml('value', {}, 'dev')),
      xml('value', {}, 'prod'),
    ),
  ];
  if (service === 'apns') fields.push(field('topic', 'text-single', 'APNS topic (the app bundle id); empty = the default topic'));
  return xml(
    'x',
    { xmlns: NS.DATA, type: 'form' },
    xml('title', {}, `Register for ${SERVICE_TITLES[service]} push notifications`),
    ...fields,
  );
}

/** Reads a submitted registration form; anything unusable is XEP-0050's bad-payload. */
export function readRegistration(form: DataForm | undefined, service: PushServiceName): DeviceRegistration {
  if (!form) throw commandErrors.badPayload('the command needs a submitted form with a token');
  if (form.type !== 'submit') throw commandErrors.badPayload(`a form of type ${form.type.slice(0, 16)} (submit expected)`);
  const tokenField = service === 'webpush' ? 'endpoint' : 'token';
  const token = value(form, tokenField);
  if (token === undefined) throw commandErrors.badPayload(`the form lacks the required field ${tokenField}`);
  if (token.length > MAX_TOKEN_CHARS || !TOKEN_CHARS.test(token)) {
    throw commandErrors.badPayload(`${tokenField} must be at most ${MAX_TOKEN_CHARS} visible ASCII characters`);
  }
  const device: RegisteredDevice = { service, token };
  if (service === 'webpush') device.keys = readWebPushSubscription(form, token);
  const mode = value(form, 'mode');
  if (mode !== undefined) {
    if (mode !== 'prod' && mode !== 'dev') throw commandErrors.badPayload('mode must be prod or dev');
    device.mode = mode as PushMode;
  }
  const topic = value(form, 'topic');
  if (topic !== undefined) {
    if (service !== 'apns') throw commandErrors.badPayload('topic is an APNS field');
    if (topic.length > MAX_TOPIC_CHARS || !TOKEN_CHARS.test(topic)) throw commandErrors.badPayload('topic must be a bundle id');
    device.topic = topic;
  }
  return { device, deviceKey: deviceKeyOf(form) ?? token };
}

/** What `unregister-push` removes: one node, one device, or (neither) everything of the requester. */
export type Unregistration = { node: string } | { deviceKey: string } | { all: true };

export function readUnregistration(form: DataForm | undefined): Unregistration {
  if (!form) return { all: true };
  if (form.type !== 'submit') throw commandErrors.badPayload(`a form of type ${form.type.slice(0, 16)} (submit expected)`);
  const node = value(form, 'node');
  if (node !== undefined) return { node };
  const key = deviceKeyOf(form) ?? value(form, 'token');
  return key === undefined ? { all: true } : { deviceKey: key };
}

/**
 * The `result` form of a registration: where and how the client enables push, by XEP-0357 §5
 * (`jid`, `node`, `secret`) or by Push 2.0 (`jid` as `<service/>`, `client` as `<client/>`:
 * the node and its secret, push2-client.ts, as secret as `secret` itself).
 */
export function registrationResult(jid: string, node: string, secret: string): Element {
  return xml(
    'x',
    { xmlns: NS.DATA, type: 'result' },
    xml('field', { var: 'jid', type: 'jid-single' }, xml('value', {}, jid)),
    xml('field', { var: 'node', type: 'text-single' }, xml('value', {}, node)),
    xml('field', { var: 'secret', type: 'text-private' }, xml('value', {}, secret)),
    xml('field', { var: 'client', type: 'text-private', label: 'Push 2.0 <client/> (the node and its secret)' }, xml('value', {}, push2ClientString(node, secret))),
  );
}

/** The W3C Push API PushSubscription.toJSON() as fields: the endpoint and its two keys. */
function webPushFields(): Element[] {
  return [
    field('endpoint', 'text-single', 'PushSubscription endpoint (https URL)', true),
    field('p256dh', 'text-single', `PushSubscription keys.p256dh: ${WEBPUSH_KEY_FORMATS.p256dh}`, true),
    field('auth', 'text-private', `PushSubscription keys.auth: ${WEBPUSH_KEY_FORMATS.auth}`, true),
  ];
}

/** The subscription's keys, checked as the Web Push sender will use them (webpush/subscription.ts). */
function readWebPushSubscription(form: DataForm, endpoint: string): { p256dh: string; auth: string } {
  try {
    endpointOrigin(endpoint);
  } catch (e) {
    throw commandErrors.badPayload((e as Error).message);
  }
  const keys: Record<(typeof WEBPUSH_KEY_FIELDS)[number], string> = { p256dh: '', auth: '' };
  for (const name of WEBPUSH_KEY_FIELDS) {
    const given = value(form, name);
    if (given === undefined) throw commandErrors.badPayload(`the form lacks the required field ${name}`);
    if (!KEY_PATTERNS[name].test(given)) throw commandErrors.badPayload(`${name} must be ${WEBPUSH_KEY_FORMATS[name]}`);
    keys[name] = given;
  }
  return keys;
}

const KEY_PATTERNS = { p256dh: P256DH_PATTERN, auth: AUTH_PATTERN } as const;

function deviceKeyOf(form: DataForm): string | undefined {
  return value(form, 'device-id') ?? value(form, 'android-id');
}

/** A single value, empty counting as absent; a repeated value is bad-payload. */
function value(form: DataForm, name: string): string | undefined {
  let v: string | undefined;
  try {
    v = singleValue(form, name);
  } catch {
    throw commandErrors.badPayload(`field ${name} takes one value`);
  }
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function field(name: string, type: string, label: string, required = false): Element {
  const el = xml('field', { var: name, type, label });
  if (required) el.append(xml('required'));
  return el;
}

/** A fresh XEP-0357 publish-options `secret`. */
export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * The node of a registered device: the same for the same (owner, device), so registering again
 * updates it, and unguessable without this service's key (an HMAC, not a plain hash), so nobody
 * can create that node first through XEP-0060 and block the registration.
 */
export function registrationNodeName(key: Buffer, owner: string, deviceKey: string): string {
  return createHmac('sha256', key).update(owner).update('\u0000').update(deviceKey).digest('base64url');
}
