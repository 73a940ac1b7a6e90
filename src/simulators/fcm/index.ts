/** The bundled FCM HTTP v1 simulator (token endpoint + messages:send), in-process. */
export { startFcmSimulator, serviceAccountFor } from './server.js';
export type { FcmSimulator } from './simulator.js';
export type { FcmSimulatorOptions, QuotaOptions, TrustedServiceAccount } from './options.js';
export type { TokenBehaviour } from './programs.js';
export type { FcmSimulatorStats, ReceivedMessage, RejectedMessage } from './recorder.js';
export type { ServiceAccount } from './service-account.js';
export { FCM_ERROR_STATUS, FCM_ERROR_TYPE, type FcmErrorCode } from './fcm-errors.js';
export { FCM_SCOPE, JWT_BEARER_GRANT } from './assertion.js';
export { generateServiceAccount } from './service-account.js';
export type * from '../shared/public-types.js';
