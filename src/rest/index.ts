/** The MongoosePush-compatible REST API of the Push Service role. */
export { startRestServer, resolveRestTls, CLOSE_GRACE_MS } from './server.js';
export type { RestConfig, RestServer, RestServerOptions } from './server.js';
export { parseDeepNotification, type DeepParseResult } from './deep-schema.js';
export { parseFlatNotification } from './flat-schema.js';
export type { NotificationParseResult } from './cast.js';
export { bearerCheck, UNAUTHORIZED, type BearerCheck } from './bearer-auth.js';
export { restStartupWarnings, isLoopbackBind } from './startup-warnings.js';
export { NOTIFICATION_ROUTES, type NotificationRoute } from './routes.js';
export { v3Response } from './v3-responses.js';
export { v2Response } from './v2-responses.js';
export type { RestResponse } from './rest-response.js';
export type { InvalidValue, UnprocessableBody } from './invalid-value.js';
