/**
 * Web Push (RFC 8030, 8188, 8291, 8292): the pure wire code (encryption, VAPID, headers, request,
 * outcome) and the senders per push-service origin; the pool is pools/webpush-pool.ts.
 */
export { encrypt, type EncryptOptions } from './encrypt.js';
export { decrypt, type Decrypted } from '../../crypto/rfc8291/decrypt.js';
export { MAX_BODY_BYTES, MAX_PLAINTEXT_BYTES } from '../../crypto/rfc8291/record-header.js';
export { endpointOrigin, subscriptionKeys, type PushSubscription } from './subscription.js';
export { generateVapidKeys, vapidKeyPair, type VapidKeyPair, type VapidKeys } from './vapid-keys.js';
export { vapidAuthorization, VapidAuthorizations, VAPID_MAX_EXPIRY_S, VAPID_TOKEN_LIFETIME_S } from './vapid.js';
export { verifyVapid, type VapidVerdict } from './vapid-verify.js';
export { webPushHeaders, URGENCIES, type PushOptions, type Urgency } from './headers.js';
export { prepareWebPushRequest, webPushPayload, type WebPushRequest } from './request.js';
export { webPushFailureReason } from './outcome.js';
export { OriginSenders } from './origin-senders.js';
export { startWebPushPool, type WebPushPool } from '../pools/webpush-pool.js';
