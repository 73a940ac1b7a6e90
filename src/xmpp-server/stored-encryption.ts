/**
 * How PostgreSQL keeps a registration's encryption key without a schema change: inside the
 * `publish_options` jsonb, under a field name no `<enable/>` may use (enable-request.ts refuses
 * it), split out again when the row is read. LMDB stores the Registration object whole.
 */
import { AES_128_GCM, DEFAULT_MAX_PAYLOAD_BYTES, type PushEncryption } from '../xmpp/push-encryption.js';
import type { Registration } from './registration.js';

/** Clark notation (XEP-0068), as CALL_SUMMARY_FIELD: a name in Tigase's namespace, never a publish-option. */
export const STORED_ENCRYPTION_OPTION = '{tigase:push:encrypt:0}encrypt';

/** The publish-options to store: the client's, plus the key under STORED_ENCRYPTION_OPTION. */
export function storedOptions(registration: Registration): Record<string, string> {
  if (!registration.encryption) return registration.publishOptions;
  return { ...registration.publishOptions, [STORED_ENCRYPTION_OPTION]: JSON.stringify(registration.encryption) };
}

/** The registration as read: STORED_ENCRYPTION_OPTION moved out of the publish-options. */
export function withStoredEncryption(registration: Registration): Registration {
  const stored = registration.publishOptions[STORED_ENCRYPTION_OPTION];
  if (stored === undefined) return registration;
  const { [STORED_ENCRYPTION_OPTION]: _, ...publishOptions } = registration.publishOptions;
  const { key, maxSize } = JSON.parse(stored) as Partial<PushEncryption>;
  if (typeof key !== 'string') return { ...registration, publishOptions }; // unreadable: publish in clear rather than fail every push
  return { ...registration, publishOptions, encryption: { alg: AES_128_GCM, key, maxSize: typeof maxSize === 'number' ? maxSize : DEFAULT_MAX_PAYLOAD_BYTES } };
}
