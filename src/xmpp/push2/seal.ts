/**
 * The `sce+rfc8291+rfc8292` send profile's payload (Push 2.0 draft): the envelope (envelope.ts)
 * encrypted per RFC 8291 (aes128gcm, one record) to the client's `<ua-public/>` and
 * `<auth-secret/>`, and, when the client gave `<jwt-alg/>`, an RFC 8292 JWT signed with its
 * `<jwt-key/>` that the push service presents to the client's Web Push endpoint.
 */
import type { Element } from '@xmpp/xml';
import { encryptToKeys } from '../../crypto/rfc8291/encrypt.js';
import { signEs256Jwt } from '../../crypto/es256-jwt.js';
import { push2Envelope, type ArchiveStamp } from './envelope.js';
import { p256SigningKey, rawPublicKey } from './push2-keys.js';
import type { Push2Jwt, Push2Notification, SendProfile } from './push2-types.js';

/**
 * The JWT's lifetime: RFC 8292 §2 "exp ... MUST NOT be more than 24 hours from the time of the
 * request"; half of it, so a push service whose clock runs up to 12 h behind ours still accepts.
 */
export const PUSH2_JWT_LIFETIME_S = 12 * 3_600;

export interface SealOptions {
  /** RFC 8292 §2.1 `sub`: a contact URI for the push service's operator (default `xmpp:<domain>` is the caller's). */
  subject: string;
  /** Now, epoch seconds: `exp` is counted from it. */
  nowS: number;
  /** The archive id to add when the stanza carries none (envelope.ts). */
  archiveId?: ArchiveStamp;
}

export type Sealed = Required<Pick<Push2Notification, 'encrypted'>> & Pick<Push2Notification, 'jwt'>;

export function sealPush2(stanza: Element, send: Extract<SendProfile, { kind: 'sce+rfc8291+rfc8292' }>, options: SealOptions): Sealed {
  const plaintext = options.archiveId ? push2Envelope(stanza, { archive: options.archiveId }) : push2Envelope(stanza);
  const keys = { uaPublic: Buffer.from(send.uaPublic, 'base64'), authSecret: Buffer.from(send.authSecret, 'base64') };
  const sealed: Sealed = { encrypted: encryptToKeys(plaintext, keys).toString('base64') };
  if (send.jwt) sealed.jwt = push2Jwt(send.jwt, options);
  return sealed;
}

/** The claims the client asked for, then `sub` and `exp`, which only the server sets (the reader refuses them from a client). */
function push2Jwt(jwt: Push2Jwt, { subject, nowS }: SealOptions): { key: string; token: string } {
  const key = p256SigningKey(Buffer.from(jwt.key, 'base64'));
  // Checked at enable (push2-keys.ts); a stored registration altered since is a bug, not input.
  if (!key) throw new Error('stored Push 2.0 jwt-key is not a PKCS#8 P-256 key');
  const token = signEs256Jwt({ ...jwt.claims, sub: subject, exp: nowS + PUSH2_JWT_LIFETIME_S }, key);
  return { key: rawPublicKey(key).toString('base64'), token };
}
