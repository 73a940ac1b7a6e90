/** The App Server role (XEP-0357): pubsub `push` nodes bridged to the push service. */
export { AppServerRole, type AppServerOptions } from './app-server.js';
export { toPushNotification, pushKindOf, CALL_ID_DATA_KEY, type MappingOptions, type PushKind } from './notification-mapping.js';
export { parsePublishRequest, isPublishRequest } from './publish-request.js';
export { readPublishOptions, type PushTarget } from './publish-options.js';
export { outcomeError } from './outcome-errors.js';
export { PushNodeStore, NODE_DATABASE } from './node-store.js';
export { PostgresNodes } from './postgres-nodes.js';
export { MAX_NODE_NAME_BYTES, type NodeBackend } from './node-backend.js';
export type { PushNodeRecord, NodeAffiliation, PublishModel, RegisteredDevice } from './node-record.js';
export { APP_SERVER_FEATURES } from './disco.js';
export { mayPublish, secretsEqual, type AuthorizationPolicy, type AuthorizationMethod } from './publish-authorization.js';
export { PushRateLimiter } from './rate-limiter.js';
export { affiliationNoneNotice } from './remote-disable.js';
export { NS_COMMANDS } from './ad-hoc.js';
export { REGISTER_APNS, REGISTER_FCM, UNREGISTER } from './registration-commands.js';
