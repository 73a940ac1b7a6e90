/**
 * How PostgreSQL keeps what a registration has beyond its publish-options — a Tigase encryption
 * key, a Push 2.0 configuration — without a schema change: inside the `publish_options` jsonb,
 * under field names no `<enable/>` may use (enable-request.ts refuses them), split out again when
 * the row is read. LMDB stores the Registration object whole.
 */
import { AES_128_GCM, DEFAULT_MAX_PAYLOAD_BYTES, type PushEncryption } from '../xmpp/push-encryption.js';
import type { Push2Config } from '../xmpp/push2/push2-types.js';
import type { Registration } from './registration.js';

/** Clark notation (XEP-0068), as CALL_SUMMARY_FIELD: a name in Tigase's namespace, never a publish-option. */
export const STORED_ENCRYPTION_OPTION = '{tigase:push:encrypt:0}encrypt';
/** The same for a Push 2.0 registration's configuration. */
export const STORED_PUSH2_OPTION = '{urn:xmpp:push2:0}enable';
/** Publish-option names a client may not send. */
export const RESERVED_OPTIONS: readonly string[] = [STORED_ENCRYPTION_OPTION, STORED_PUSH2_OPTION];

/** The publish-options to store: the client's, plus the key and Push 2.0 configuration under their reserved names. */
export function storedOptions(registration: Registration): Record<string, string> {
  if (!registration.encryption && !registration.push2) return registration.publishOptions;
  const stored = { ...registration.publishOptions };
  if (registration.encryption) stored[STORED_ENCRYPTION_OPTION] = JSON.stringify(registration.encryption);
  if (registration.push2) stored[STORED_PUSH2_OPTION] = JSON.stringify(registration.push2);
  return stored;
}

/** The registration as read: the reserved fields moved out of the publish-options. */
export function withStoredExtensions(registration: Registration): Registration {
  const { [STORED_ENCRYPTION_OPTION]: encryption, [STORED_PUSH2_OPTION]: push2, ...publishOptions } = registration.publishOptions;
  if (encryption === undefined && push2 === undefined) return registration;
  const read: Registration = { ...registration, publishOptions };
  if (encryption !== undefined) {
    const { key, maxSize } = JSON.parse(encryption) as Partial<PushEncryption>;
    // Unreadable: publish in clear rather than fail every push.
    if (typeof key === 'string') read.encryption = { alg: AES_128_GCM, key, maxSize: typeof maxSize === 'number' ? maxSize : DEFAULT_MAX_PAYLOAD_BYTES };
  }
  if (push2 !== undefined) read.push2 = JSON.parse(push2) as Push2Config; // written by storedOptions from a checked enable
  return read;
}
