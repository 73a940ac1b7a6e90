/** RFC 8291 encryption (crypto/rfc8291/encrypt.ts) to a Web Push subscription's keys, checked here. */
import { encryptToKeys, type EncryptOptions } from '../../crypto/rfc8291/encrypt.js';
import { subscriptionKeys, type PushSubscription } from './subscription.js';

export type { EncryptOptions } from '../../crypto/rfc8291/encrypt.js';

/** The aes128gcm body of `payload` for `subscription`. */
export function encrypt(payload: Buffer | string, subscription: PushSubscription, options: EncryptOptions = {}): Buffer {
  return encryptToKeys(payload, subscriptionKeys(subscription), options);
}
