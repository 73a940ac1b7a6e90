/** The Push Service role: the provider-neutral contract, its pools and the APNS pieces. */
export * from './notification.js';
export { PushPool, type PoolSenders, type PoolProvider, type SendersStats } from './pools/push-pool.js';
export { startApnsPool, startApnsPools, type ApnsPool, type PoolStartOptions } from './pools/apns-pool.js';
export { resolveApnsPools, resolveFcmPools, type ResolvedApnsPool, type ResolvedFcmPool } from './pools/credentials.js';
export { ApnsTokenProvider, type ApnsTokenProviderOptions } from './apns/jwt.js';
export { ensureDevApnsKey, type ApnsKeyPair } from './apns/dev-key.js';
export { APNS_REASONS, apnsOutcome, type ApnsReason } from './apns/outcome.js';
export type { PushRejection } from './http2/rejections.js';
export { APNS_PAYLOAD_LIMIT_BYTES, APNS_VOIP_PAYLOAD_LIMIT_BYTES, buildApnsPayload } from './apns/payload.js';
export type {
  ConnectionState as ApnsConnectionState,
  ConnectionStats as ApnsConnectionStats,
  ClientCertificate,
} from './http2/connection.js';
export type { SenderStats as ApnsSenderStats } from './http2/sender-actor.js';
