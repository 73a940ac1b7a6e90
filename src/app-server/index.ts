/** The App Server role (XEP-0357 §8): pubsub `push` nodes bridged to the push service. */
export { AppServerRole, type AppServerOptions } from './app-server.js';
export { toPushNotification, type MappingOptions } from './notification-mapping.js';
export { parsePublishRequest, isPublishRequest } from './publish-request.js';
export { readPublishOptions, type PushTarget } from './publish-options.js';
export { outcomeError, dispatchFailureError } from './outcome-errors.js';
export { PushNodeStore, NODE_DATABASE, MAX_NODE_NAME_BYTES, type PushNodeRecord, type NodeAffiliation } from './node-store.js';
export { APP_SERVER_FEATURES } from './disco.js';
