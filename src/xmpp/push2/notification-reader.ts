/**
 * Reads a Push 2.0 `<notification xmlns='urn:xmpp:push2:0'>` message, as the user's server sends
 * it to the push service (mod_push2, draft "Send profiles"; see push2-types.ts). Pure: every
 * fault is a StanzaError modify/bad-request naming it, answered as `<message type='error'>`
 * (RFC 6120 §8.3); `modify` tells the user's server that resending as is will not help.
 */
import type { Element } from '@xmpp/xml';
import { P256_POINT_BYTES } from '../../crypto/p256.js';
import { HEADER_BYTES, MAX_BODY_BYTES, TAG_BYTES } from '../../crypto/rfc8291/record-header.js';
import { attr } from '../attr.js';
import { badRequest } from '../stanza-error.js';
import { PUSH2_NS, type Push2Notification, type Push2Priority } from './push2-types.js';

/**
 * The largest payload body any route takes: RFC 8030 §7.2, a push service MUST accept 4096 octets
 * of body (one RFC 8291 record). APNS and FCM carry the body as base64 text inside their own 4096
 * byte limits, so a body near this size is refused by them as too large (modify/not-acceptable).
 */
export const MAX_PUSH2_PAYLOAD_BYTES = MAX_BODY_BYTES;
/** RFC 8291 §4: the aes128gcm header with the 65-octet keyid, one tag and the padding delimiter. */
export const MIN_PUSH2_PAYLOAD_BYTES = HEADER_BYTES + TAG_BYTES + 1;
/** The longest `<client/>` read: Herald issues ~70 characters (app-server/push2-client.ts). */
export const MAX_CLIENT_CHARS = 1_024;
/** RFC 8292 §2: an ES256 JWT with a few claims is a few hundred characters; 4 KiB is generous. */
export const MAX_JWT_CHARS = 4_096;

const PRIORITIES: ReadonlySet<string> = new Set<Push2Priority>(['high', 'normal', 'low']);
/** RFC 4648 §4 standard base64, padded, no whitespace (whitespace is removed first). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 7515 §7.1: compact JWS, three base64url parts. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The `<notification/>` of a message, or undefined when it carries none. */
export function push2NotificationOf(message: Element): Element | undefined {
  return message.getChild('notification', PUSH2_NS.PUSH2);
}

/** @throws StanzaError modify/bad-request naming what is wrong. */
export function readPush2Notification(message: Element): Push2Notification {
  const notification = push2NotificationOf(message);
  if (!notification) throw badRequest('the message carries no <notification xmlns="urn:xmpp:push2:0"/>');
  const from = attr(message, 'from');
  if (!from) throw badRequest('the notification says nothing about who sends it (no from)');
  const client = onlyChild(notification, 'client')?.getText().trim();
  if (!client) throw badRequest('the notification names no <client/>');
  if (client.length > MAX_CLIENT_CHARS) throw badRequest(`<client/> is over ${MAX_CLIENT_CHARS} characters`);
  const read: Push2Notification = {
    to: attr(message, 'to') ?? '',
    from,
    id: attr(message, 'id') ?? '',
    client,
    priority: readPriority(onlyChild(notification, 'priority')),
  };
  if (onlyChild(notification, 'voip')) read.voip = true;
  const encrypted = onlyChild(notification, 'encrypted', PUSH2_NS.SCE_RFC8291);
  if (encrypted) read.encrypted = readPayload(encrypted);
  const jwt = onlyChild(notification, 'jwt');
  if (jwt) read.jwt = readJwt(jwt);
  return read;
}

/** mod_push2 always sends `<priority/>`; a server that omits it means the ordinary case, normal. */
function readPriority(el: Element | undefined): Push2Priority {
  if (!el) return 'normal';
  const text = el.getText().trim();
  if (!PRIORITIES.has(text)) throw badRequest(`unknown priority ${JSON.stringify(text.slice(0, 16))} (high, normal or low)`);
  return text as Push2Priority;
}

function readPayload(encrypted: Element): string {
  const text = onlyChild(encrypted, 'payload')?.getText().replace(/\s+/g, '');
  if (!text) throw badRequest('<encrypted/> has no <payload/>');
  if (!BASE64.test(text)) throw badRequest('<payload/> is not standard base64');
  const bytes = (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  if (bytes > MAX_PUSH2_PAYLOAD_BYTES) throw badRequest(`<payload/> is ${bytes} bytes, over ${MAX_PUSH2_PAYLOAD_BYTES}`);
  if (bytes < MIN_PUSH2_PAYLOAD_BYTES) throw badRequest(`<payload/> is ${bytes} bytes, too short for an RFC 8291 body (${MIN_PUSH2_PAYLOAD_BYTES})`);
  return text;
}

function readJwt(jwt: Element): { key: string; token: string } {
  const key = attr(jwt, 'key')?.replace(/\s+/g, '');
  if (!key) throw badRequest('<jwt/> has no key');
  if (!BASE64.test(key) || Buffer.from(key, 'base64').length !== P256_POINT_BYTES) {
    throw badRequest(`<jwt/> key is not standard base64 of a raw P-256 public key (${P256_POINT_BYTES} octets)`);
  }
  const token = jwt.getText().trim();
  if (token.length > MAX_JWT_CHARS) throw badRequest(`<jwt/> is over ${MAX_JWT_CHARS} characters`);
  if (!COMPACT_JWS.test(token)) throw badRequest('<jwt/> is not a compact JWS');
  return { key, token };
}

/** The one child of that name (in `xmlns` when given); two of them are a fault. */
function onlyChild(parent: Element, name: string, xmlns?: string): Element | undefined {
  const found = parent.getChildren(name, xmlns);
  if (found.length > 1) throw badRequest(`the notification has ${found.length} <${name}/> elements`);
  return found[0];
}
