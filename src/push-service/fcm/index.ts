/** The FCM HTTP v1 sender of the Push Service. */
export { startFcmPool, startFcmPools, type FcmPool } from '../pools/fcm-pool.js';
export { FcmAccessTokens, FCM_SCOPE, type AccessTokenSource, type FcmServiceAccount } from './oauth.js';
export { fcmMessage, fcmData, prepareFcmRequest, MAX_FCM_MESSAGE_BYTES, type FcmRequest } from './message.js';
export { fcmOutcome, fcmErrorCode, FCM_ERROR_OUTCOMES } from './outcome.js';
