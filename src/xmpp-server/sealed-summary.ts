/**
 * What one registration's publish carries of a pushed message (pure but for the random IV):
 * the §7 summary in clear, or — when its `<enable/>` sent a `tigase:push:encrypt:0` key — no
 * summary at all and the Tigase JSON encrypted with that key (see xmpp/push-encryption.ts).
 *
 * The encrypted JSON carries sender and body whatever `include_sender` / `include_body` say:
 * those keep them from the App Server and from Apple/Google, which cannot read this payload;
 * only the user's device holds the key (Tigase and Prosody send both too).
 */
import { bareJid, parseJid } from '../xmpp/jid.js';
import {
  plaintextBudget,
  sealPushContent,
  type EncryptedNotification,
  type EncryptedPushContent,
  type PushEncryption,
} from '../xmpp/push-encryption.js';
import type { PushSummary } from '../xmpp/push-publish.js';
import { truncate } from '../xmpp/truncate.js';
import type { PushedMessage } from './summary.js';

export interface PublishContent {
  summary: PushSummary;
  encrypted?: EncryptedNotification;
}

/** The publish content for a registration with an encryption key: no summary, the sealed JSON. */
export function sealedContent(summary: PushSummary, message: PushedMessage, encryption: PushEncryption, bodyMaxChars: number): PublishContent {
  const content = encryptedContent(summary['message-count'] ?? 1, message);
  if (content.message !== undefined) content.message = fitBody(content, truncate(content.message, bodyMaxChars), plaintextBudget(encryption.maxSize));
  // §4.4: no summary form, "to be sure that no unencrypted data is being forwarded".
  return { summary: {}, encrypted: sealPushContent(content, encryption) };
}

/** §4.4 JSON fields, as Tigase fills them: a call names the full JID (the device to answer), a message the bare one. */
function encryptedContent(unread: number, message: PushedMessage): EncryptedPushContent {
  const sender = senderOf(message.sender);
  if (message.call !== undefined) {
    const call: EncryptedPushContent = { unread, type: 'call', sid: message.call };
    if (message.sender !== undefined) call.sender = message.sender;
    if (message.body !== undefined) call.message = message.body;
    return call;
  }
  const content: EncryptedPushContent = { unread, type: message.groupchat ? 'groupchat' : 'chat' };
  if (sender !== undefined) content.sender = sender.bare;
  if (message.groupchat && sender?.resource) content.nickname = sender.resource; // the MUC occupant's nick
  if (message.body !== undefined) content.message = message.body;
  return content;
}

function senderOf(full: string | undefined): { bare: string; resource?: string } | undefined {
  if (full === undefined) return undefined;
  const resource = parseJid(full).resource;
  return resource ? { bare: bareJid(full), resource } : { bare: bareJid(full) };
}

/**
 * §4.2 max-size: "the XMPP server will try to reduce size of the message body (cutout end of the
 * body)". Cuts on code points until the JSON fits `budget` bytes (escapes make the JSON longer
 * than the text, so the fit is measured, not computed).
 */
function fitBody(content: EncryptedPushContent, body: string, budget: number): string {
  let points = Array.from(body);
  for (;;) {
    const excess = Buffer.byteLength(JSON.stringify({ ...content, message: points.join('') }), 'utf8') - budget;
    if (excess <= 0 || points.length === 0) return points.join('');
    // A code point is 1 to 4 UTF-8 bytes (up to 6 as a JSON escape): cut at least one.
    points = points.slice(0, Math.max(0, points.length - Math.max(1, Math.ceil(excess / 6))));
  }
}
