/**
 * The XEP-0060 §7/§8 error cases the App Server answers, each with its RFC 6120 type and its
 * application-specific condition (namespace `http://jabber.org/protocol/pubsub#errors`).
 */
import { NS } from '../xmpp/namespaces.js';
import { StanzaError, type AppCondition } from '../xmpp/stanza-error.js';

const pubsubCondition = (name: string, attrs?: Record<string, string>): AppCondition => ({
  name,
  xmlns: NS.PUBSUB_ERRORS,
  ...(attrs ? { attrs } : {}),
});

/** XEP-0060 §7.1.5: publish-options absent or missing a required field. */
export const preconditionNotMet = (text: string) =>
  new StanzaError('conflict', 'cancel', text, pubsubCondition('precondition-not-met'));

/** XEP-0060 §7.1.3.3 / §8.1 / §8.4: the request names no node. */
export const nodeIdRequired = () =>
  new StanzaError('bad-request', 'modify', 'the request names no node', pubsubCondition('nodeid-required'));

/** XEP-0060 §7.1.3.3: the node does not exist. */
export const nodeNotFound = (node: string) =>
  new StanzaError('item-not-found', 'cancel', `no push node ${truncate(node)}`);

/** XEP-0060 §7.1.3.1 / §8.4.3.1: the requester lacks the needed affiliation. */
export const forbidden = (text: string) => new StanzaError('forbidden', 'auth', text);

/**
 * The owner has `app_server.max_nodes_per_owner` nodes already. XEP-0060 §8.1.3 lists no
 * create-node error for a quota; its Error Conditions table gives not-allowed for an action the
 * service implements but its administrator disabled (here: beyond the cap), and its
 * pubsub#errors schema defines `<max-nodes-exceeded/>` for this case. `cancel`: retrying cannot
 * help until one of the owner's nodes is deleted.
 */
export const maxNodesExceeded = (max: number) =>
  new StanzaError('not-allowed', 'cancel', `at most ${max} push nodes per account`, pubsubCondition('max-nodes-exceeded'));

/** A node whose owner JID and name are too long together to be counted against the cap. */
export const ownerTooLong = () =>
  new StanzaError('not-acceptable', 'modify', 'the owner JID and node name are too long together; use a shorter node name');

/** XEP-0060 §8.1.3.4: node already exists. */
export const nodeExists = (node: string) => new StanzaError('conflict', 'cancel', `push node ${truncate(node)} exists`);

/** XEP-0060 §5 error pattern: `feature-not-implemented` + `<unsupported feature='…'/>`. */
export const unsupported = (feature: string, text: string) =>
  new StanzaError('feature-not-implemented', 'cancel', text, pubsubCondition('unsupported', { feature }));

/**
 * MongooseIM's answer for a dead device token (APNS 410 Unregistered, FCM UNREGISTERED): the
 * XMPP server disables the registration on this `cancel`.
 */
export const deviceNotRegistered = (text: string) =>
  new StanzaError('not-acceptable', 'cancel', text, pubsubCondition('device-not-registered'));

/** Keeps error texts short: node names and JIDs come from the client. */
function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** An IQ of the wrong type for its payload (a `get` carrying `<publish/>`, a `set` carrying disco). */
export const wrongIqType = (expected: 'get' | 'set', what: string) =>
  new StanzaError('bad-request', 'cancel', `${what} must be sent in an IQ of type ${expected}`);

/**
 * The node's push rate limit is reached (rate-limiter.ts). `wait`: the XMPP server keeps the
 * registration; RFC 6120 §8.3.3.18 resource-constraint, as mod_push_appserver answers.
 */
export const rateLimited = (kind: string, limit: number, intervalMs: number, waitMs: number) =>
  new StanzaError(
    'resource-constraint',
    'wait',
    `at most ${limit} ${kind} push${limit === 1 ? '' : 'es'} per ${intervalMs} ms to one node; retry in ${Math.ceil(waitMs)} ms`,
  );
