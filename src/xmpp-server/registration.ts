/**
 * A push registration (XEP-0357 §5): one `<enable/>` of one user, keyed by
 * (user bare JID, pubsub JID, node). Re-enabling the same key replaces its publish-options.
 */

import type { PushEncryption } from '../xmpp/push-encryption.js';
import type { Push2Config } from '../xmpp/push2/push2-types.js';
import { compositeKey, KEY_SEPARATOR, prefixRange } from '../store/composite-key.js';

export interface Registration {
  /** The App Server's pubsub service JID (normalised). */
  pubsubJid: string;
  /** The push node on that service. */
  node: string;
  /** XEP-0357 §5 publish-options from the `<enable/>` form, copied into every publish. */
  publishOptions: Record<string, string>;
  /**
   * Tigase `tigase:push:encrypt:0` key from the `<enable/>`: publishes carry the notification
   * encrypted with it (sealed-summary.ts). Secret: never logged, never sent to the App Server.
   */
  encryption?: PushEncryption;
  /** Epoch ms of the enable that wrote it; tells a re-enabled registration from the old one. */
  createdAt: number;
  /**
   * A Push 2.0 registration (`urn:xmpp:push2:0`) instead of a XEP-0357 one: then `pubsubJid` is
   * PUSH2_SCOPE and `node` the session that enabled it (push2/push2-request.ts), and this holds
   * the service, client and match profiles. Secret keys inside: never logged.
   */
  push2?: Push2Config;
}

/**
 * The `pubsubJid` of every Push 2.0 registration: no JID is empty, so these keys meet no XEP-0357
 * registration, sort first among a user's, and `<disable xmlns='urn:xmpp:push2:0'/>` (which
 * names nothing) finds its registration by the session alone.
 */
export const PUSH2_SCOPE = '';

/**
 * Keys are `user, pubsub JID, node` as one composite key (store/composite-key.ts): all of one
 * user's registrations sort together (then by pubsub JID), which is what the range reads rely on.
 */
/**
 * lmdb-js refuses keys longer than 1978 bytes (its default `maxKeySize` for 4 KiB pages); one
 * byte is kept back because a prefix-range end key is the prefix plus one character.
 */
const MAX_KEY_BYTES = 1978 - 1;

export function registrationKey(user: string, pubsubJid: string, node: string): string {
  return compositeKey(user, pubsubJid, node);
}

/** Range covering every registration of `user`. */
export function userRange(user: string): { start: string; end: string } {
  return prefixRange(user);
}

/** Range covering every registration of `user` on one pubsub service. */
export function serviceRange(user: string, pubsubJid: string): { start: string; end: string } {
  return prefixRange(user, pubsubJid);
}

/** Whether a key (or range bound) is short enough for LMDB. */
export function keyFits(key: string): boolean {
  // Cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  return key.length * 3 <= MAX_KEY_BYTES || Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES;
}

/** In-actor key of a registration (the user is implied). */
export function localKey(pubsubJid: string, node: string): string {
  return compositeKey(pubsubJid, node);
}

/** The pubsub JID and node of a `localKey` (a JID cannot hold the separator, so the first one splits). */
export function splitLocalKey(key: string): { pubsubJid: string; node: string } {
  const at = key.indexOf(KEY_SEPARATOR);
  return { pubsubJid: key.slice(0, at), node: key.slice(at + 1) };
}
