/** The bundled Web Push service simulator (RFC 8030 push resources, VAPID, aes128gcm), in-process. */
export { startWebPushSimulator } from './server.js';
export type { WebPushSimulator } from './simulator.js';
export type { WebPushSimulatorOptions } from './options.js';
export type { SubscriptionBehaviour } from './programs.js';
export type { ReceivedPush, RejectedPush, WebPushSimulatorStats } from './recorder.js';
export type { SubscribeOptions } from './subscriptions.js';
export { WEBPUSH_REFUSALS, PROGRAMMABLE_REFUSALS, type ProgrammableRefusal, type WebPushRefusal } from './refusals.js';
export type { PushSubscription } from '../../push-service/webpush/subscription.js';
export type * from '../shared/public-types.js';
