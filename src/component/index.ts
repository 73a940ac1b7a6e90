/** XEP-0114: Herald as an external component of an XMPP server (Prosody, ejabberd, MongooseIM…). */
export { ComponentLink, HANDSHAKE_DEADLINE_MS, TCP_KEEPALIVE_MS, type ComponentLinkOptions, type LinkState, type LinkStats, type StanzaSink } from './component-link.js';
export { NS_STREAMS, streamErrorCondition, streamErrorElement, type StreamErrorCondition } from './stream-errors.js';
export { ComponentLinks, MAX_KNOWN_DOMAINS } from './component-links.js';
export { LinkLeadership, LOCK_APPLICATION_NAME, LOCK_KEEPALIVE_MS, type LeadershipState, type LinkLeadershipOptions } from './link-leadership.js';
export { LeadingLinks, type LeadingLinksOptions } from './leading-links.js';
