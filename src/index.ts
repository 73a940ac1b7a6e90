/**
 * Herald's library API: embed the push engine in a host XMPP server.
 * See README.md ("Embedding") for a runnable example. The bundled simulators are not part of
 * it: they have their own entry point, `herald/simulators` (src/simulators/index.ts).
 */
export { Herald, type HeraldHost, type HeraldOptions } from './embed/engine.js';
export { ShardedHerald } from './shards/sharded-herald.js';
export { startEngine, shardCountOf, type PushEngine } from './shards/start-engine.js';
export { validateConfig, loadConfigFile, loadConfig, ConfigError } from './core/config/load.js';
export { ConfigFileError, type FileProblem } from './core/config/config-file-error.js';
export { preflight, assertPreflight, type PreflightReport } from './preflight/preflight.js';
export type { StoreUsage } from './store/lmdb-store.js';
export type { HeraldConfig } from './core/config/schema.js';
export { HeraldError, ERRORS, type ErrorCode } from './core/errors.js';
export { createLogger, type Logger } from './core/log.js';
export { StanzaError } from './xmpp/stanza-error.js';
export { XmlViolation, type XmlViolationCondition } from './xmpp/xml-violation.js';
export { streamErrorCondition } from './component/stream-errors.js';
export type { PushNotification, PushOutcome, PushDispatcher } from './push-service/notification.js';
export type * from './plugins/index.js';
