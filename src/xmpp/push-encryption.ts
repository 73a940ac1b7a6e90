/**
 * Encrypted XEP-0357 payloads, Tigase's `tigase:push:encrypt:0` (pure wire code + AES-128-GCM).
 *
 * Facts, from Tigase's "Encrypted Push Notifications" (xeps.tigase.net/docs/push-notifications/
 * encrypt, tigase/tigase-xeps docs/push-notifications/encrypt.md) and what Tigase XMPP Server
 * (EncryptedPushNotificationExtension), Prosody's mod_cloud_notify_encrypted and Siskin IM's
 * Notification Service Extension do:
 * - §4.1 disco#info on the account lists `tigase:push:encrypt:0` and, per algorithm,
 *   `tigase:push:encrypt:aes-128-gcm`.
 * - §4.2 the client puts, inside `<enable xmlns='urn:xmpp:push:0'>` (beside the optional
 *   publish-options form), `<encrypt xmlns='tigase:push:encrypt:0' alg='aes-128-gcm'
 *   [max-size='N']>BASE64 AES-128 KEY</encrypt>`. `aes-128-gcm` (128-bit tag) is the one algorithm.
 *   `max-size`: payload bytes allowed; the server cuts the end of the body to fit (Tigase's default
 *   3000, "as 4096 bytes is the current limit for APNs and FCM").
 *   Prosody refuses an unknown alg with modify/feature-not-implemented and a key that is not
 *   16 bytes of base64 with modify/bad-request; we do the same.
 * - §4.3 re-enabling without `<encrypt/>` (or disabling) ends encryption.
 * - §4.4 the summary form SHOULD NOT be sent ("no unencrypted data"; Tigase and Prosody remove
 *   it whole: nothing stays in clear); instead `<notification xmlns='urn:xmpp:push:0'>` holds
 *   `<encrypted xmlns='tigase:push:encrypt:0' iv='BASE64'>BASE64(ciphertext ‖ 16-byte tag)</encrypted>`
 *   of the UTF-8 JSON `{unread, sender (bare JID), type: chat|groupchat|subscribe|call,
 *   message, nickname (groupchat), sid (call)}`. The IV is 12 random bytes per notification
 *   (Tigase: `new byte[12]` from SecureRandom; Prosody: random.bytes(12)). A call's element
 *   carries `type='voip'` (both servers; its sender is then the full JID).
 * - App Server side: Siskin's Notification Service Extension reads the APNS payload's top-level
 *   keys `encrypted` (the base64 text) and `iv` (and `account`, which only an App Server that
 *   knows the user's JID can add) and decrypts with the key it enabled with; the alert must be
 *   `mutable-content` for iOS to run that extension.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { attr } from './attr.js';
import { NS } from './namespaces.js';
import { badRequest, StanzaError } from './stanza-error.js';

/** §4.2: the one algorithm defined (and the only one Tigase and Prosody accept). */
export const AES_128_GCM = 'aes-128-gcm';
/** AES-128: a 16-byte key. */
const KEY_BYTES = 16;
/** GCM's recommended 96-bit nonce (NIST SP 800-38D §8.2), as Tigase and Prosody send. */
export const IV_BYTES = 12;
/** §4.2 "AES-128 in GCM mode with 128-bit authentication tag", appended to the ciphertext (§4.4). */
const TAG_BYTES = 16;
/** Tigase's default `max-size`: 4096 bytes is APNS's and FCM's limit, the rest is room for the envelope. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 3_000;
/** A larger `max-size` could not be delivered anyway (APNS and FCM limit: 4096 bytes). */
const MAX_PAYLOAD_BYTES = 4_096;
/** The longest `<encrypted/>` text accepted by the App Server: base64 of the providers' limit. */
const MAX_ENCRYPTED_CHARS = Math.ceil(MAX_PAYLOAD_BYTES / 3) * 4;
/** An IV longer than this is no GCM nonce anyone sends (base64 of 64 bytes). */
const MAX_IV_CHARS = 88;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What a registration keeps of `<encrypt/>`. The key is secret: never log this object. */
export interface PushEncryption {
  alg: typeof AES_128_GCM;
  /** The AES-128 key, base64 (as the client sent it, whitespace removed). */
  key: string;
  /** §4.2 `max-size`: bytes the base64 ciphertext may take. */
  maxSize: number;
}

/** §4.4: the plaintext JSON, before encryption. */
export interface EncryptedPushContent {
  unread: number;
  sender?: string;
  type: 'chat' | 'groupchat' | 'subscribe' | 'call';
  message?: string;
  nickname?: string;
  sid?: string;
}

/** The `<encrypted/>` element's content, forwarded by the App Server without being read. */
export interface EncryptedNotification {
  /** Base64 of the 12-byte IV (`iv` attribute). */
  iv: string;
  /** Base64 of ciphertext ‖ tag (the element's text). */
  payload: string;
  /** `type='voip'`: a call (§4.4 as Tigase and Prosody send it). */
  voip?: boolean;
}

/** The `<encrypt/>` of an `<enable/>`, or undefined. Throws the StanzaError to answer with. */
export function parseEncrypt(enable: Element): PushEncryption | undefined {
  const elements = enable.getChildren('encrypt', NS.PUSH_ENCRYPT);
  if (elements.length === 0) return undefined;
  if (elements.length > 1) throw badRequest('<enable/> carries at most one <encrypt/>');
  const encrypt = elements[0]!;
  const alg = attr(encrypt, 'alg');
  if (alg === undefined) throw badRequest(`<encrypt/> needs an alg attribute (${AES_128_GCM})`);
  if (alg.toLowerCase() !== AES_128_GCM) {
    throw new StanzaError('feature-not-implemented', 'modify', `unknown encryption algorithm '${alg.slice(0, 32)}' (supported: ${AES_128_GCM})`);
  }
  const key = encrypt.getText().replace(/\s+/g, '');
  if (!BASE64.test(key)) throw badRequest('the encryption key is not base64');
  const length = Buffer.from(key, 'base64').length;
  if (length !== KEY_BYTES) throw badRequest(`the ${AES_128_GCM} key must be ${KEY_BYTES} bytes, not ${length}`);
  return { alg: AES_128_GCM, key, maxSize: readMaxSize(attr(encrypt, 'max-size')) };
}

function readMaxSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_PAYLOAD_BYTES;
  if (!/^\d{1,9}$/.test(text.trim())) throw badRequest('max-size must be a number of bytes');
  return Math.min(Number(text.trim()), MAX_PAYLOAD_BYTES);
}

/** Encrypts `content` as §4.4 says, with a fresh random IV. */
export function sealPushContent(content: EncryptedPushContent, encryption: PushEncryption): EncryptedNotification {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-128-gcm', Buffer.from(encryption.key, 'base64'), iv, { authTagLength: TAG_BYTES });
  const sealed = Buffer.concat([cipher.update(JSON.stringify(content), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const notification: EncryptedNotification = { iv: iv.toString('base64'), payload: sealed.toString('base64') };
  if (content.type === 'call') notification.voip = true;
  return notification;
}

/** What the device does (tests, tools): decrypts and checks the tag; throws when it does not match. */
export function openPushContent(notification: Pick<EncryptedNotification, 'iv' | 'payload'>, key: string): EncryptedPushContent {
  const sealed = Buffer.from(notification.payload, 'base64');
  const decipher = createDecipheriv('aes-128-gcm', Buffer.from(key, 'base64'), Buffer.from(notification.iv, 'base64'), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as EncryptedPushContent;
}

/** Bytes the JSON may take so that base64(JSON ‖ tag) fits `maxSize`. */
export function plaintextBudget(maxSize: number): number {
  return Math.floor(maxSize / 4) * 3 - TAG_BYTES;
}

/** `<encrypted xmlns='tigase:push:encrypt:0' iv='…' [type='voip']>…</encrypted>`. */
export function buildEncryptedElement(notification: EncryptedNotification): Element {
  const attrs: Record<string, string> = { xmlns: NS.PUSH_ENCRYPT, iv: notification.iv };
  if (notification.voip) attrs.type = 'voip';
  return xml('encrypted', attrs, notification.payload);
}

/**
 * The `<encrypted/>` child of a `<notification/>`, or undefined; read as opaque base64, never
 * decrypted (the App Server has no key). Throws bad-request for one that is not base64.
 */
export function parseEncryptedElement(notification: Element): EncryptedNotification | undefined {
  const element = notification.getChild('encrypted', NS.PUSH_ENCRYPT);
  if (!element) return undefined;
  const iv = attr(element, 'iv') ?? '';
  const payload = element.getText().replace(/\s+/g, '');
  if (iv === '' || iv.length > MAX_IV_CHARS || !BASE64.test(iv)) throw badRequest('<encrypted/> needs a base64 iv attribute');
  if (payload === '' || payload.length > MAX_ENCRYPTED_CHARS || !BASE64.test(payload)) {
    throw badRequest(`<encrypted/> must hold base64 of at most ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const parsed: EncryptedNotification = { iv, payload };
  if (attr(element, 'type') === 'voip') parsed.voip = true;
  return parsed;
}
