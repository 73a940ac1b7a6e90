/** The XMPP Server role of XEP-0357 (what MongooseIM's mod_push does). */
export { XmppServerRole, type XmppServerRoleOptions, type MessageContext } from './xmpp-server.js';
export type { Publisher, PublishResult } from './publisher.js';
export { publishWithin } from './publisher.js';
export { StanzaPublisher } from './stanza-publisher.js';
export { buildPublishStanza } from './publish-stanza.js';
export { parseEnableRequest, type EnableRequest } from './enable-request.js';
export { parseDisableRequest, type DisableRequest } from './disable-request.js';
export { pushDecision, messageIdentity, type PushDecision, type NoPushReason } from './push-policy.js';
export { buildSummary, type SummaryOptions, type PushedMessage } from './summary.js';
export { RegistrationStore, REGISTRATIONS_DB, COUNTERS_DB } from './registration-store.js';
export { PostgresRegistrations } from './postgres-registrations.js';
export type { RegistrationBackend } from './registration-backend.js';
export type { Registration } from './registration.js';
export { SessionTable, type SessionState } from './sessions.js';
export { PUSH_DISCO_FEATURES, PUSH2_DISCO_FEATURES, pushFeatureElements, isAccountDiscoInfo, accountDiscoInfoReply } from './disco.js';
export type { XmppServerStats } from './stats.js';
