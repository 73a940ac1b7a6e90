/** The Push Service role: the provider-neutral contract and the APNS dispatcher. */
export * from './notification.js';
export { ApnsPushService, type ApnsServiceOptions, type ApnsServiceStats } from './apns-service.js';
export { ApnsTokenProvider, type ApnsTokenProviderOptions } from './apns/jwt.js';
export { ensureDevApnsKey, type ApnsKeyPair } from './apns/dev-key.js';
export { APNS_REASONS, apnsOutcome, type ApnsReason, type PushRejection } from './apns/outcome.js';
export { APNS_PAYLOAD_LIMIT_BYTES, APNS_VOIP_PAYLOAD_LIMIT_BYTES, buildApnsPayload } from './apns/payload.js';
export type { ApnsConnectionState, ApnsConnectionStats } from './apns/connection.js';
export type { ApnsSenderStats } from './apns/sender-actor.js';
