/**
 * XEP-0060 node management requests a push node needs, parsed and answered as pure wire code:
 * create (§8.1), delete (§8.4), and the owner's affiliations (§8.9).
 */
import xml, { type Element } from '@xmpp/xml';
import { bareJid } from '../xmpp/jid.js';
import { NS } from '../xmpp/namespaces.js';
import { badRequest, StanzaError } from '../xmpp/stanza-error.js';
import type { AffiliationChange } from './node-actor.js';
import type { NodeAffiliation } from './node-store.js';
import { MAX_NODE_NAME_BYTES } from './node-store.js';
import { nodeIdRequired, unsupported } from './pubsub-errors.js';

/** The node type this service hosts (MongooseIM's `push` plugin; the only and so default type). */
export const PUSH_NODE_TYPE = 'push';

export interface CreateRequest {
  /** Undefined for an instant node (XEP-0060 §8.1.2): the service picks the name. */
  node?: string;
}

/**
 * `<create node='…' type='push'/>`: `type` is MongooseIM's attribute choosing the node plugin;
 * absent means the default type, push. A `<configure/>` sibling is ignored: push nodes have
 * fixed options (whitelist access, publish-only publishers, no persisted items).
 */
export function parseCreate(create: Element): CreateRequest {
  const type = create.attrs.type as string | undefined;
  if (type !== undefined && type !== PUSH_NODE_TYPE) {
    // XEP-0060 §8.1.3.1 answers an unsupported creation with <unsupported feature='create-nodes'/>.
    throw unsupported('create-nodes', `only nodes of type ${PUSH_NODE_TYPE} are hosted here`);
  }
  const node = create.attrs.node as string | undefined;
  if (node === undefined || node === '') return {};
  return { node: checkNodeName(node) };
}

/** The node named by a request element (publish, delete, affiliations); XEP-0060 nodeid-required. */
export function requireNodeName(el: Element): string {
  const node = el.attrs.node as string | undefined;
  if (!node) throw nodeIdRequired();
  return checkNodeName(node);
}

export function checkNodeName(node: string): string {
  if (Buffer.byteLength(node) > MAX_NODE_NAME_BYTES) {
    throw badRequest(`node names are limited to ${MAX_NODE_NAME_BYTES} bytes`);
  }
  return node;
}

/** XEP-0060 §4.1 affiliations a push node does not offer, with their disco feature names. */
const UNSUPPORTED_AFFILIATIONS: ReadonlySet<string> = new Set(['member', 'outcast', 'publisher']);

/**
 * XEP-0060 §8.9.2.1: `<affiliations node><affiliation jid affiliation/>…</affiliations>`.
 * Push nodes know `publish-only` (XEP-0357 §8 requires it) and `none` (removal).
 */
export function parseAffiliationChanges(affiliations: Element): AffiliationChange[] {
  return affiliations.getChildren('affiliation').map((entry) => {
    const jid = bareJid(entry.attrs.jid as string | undefined);
    const value = entry.attrs.affiliation as string | undefined;
    if (value === 'publish-only' || value === 'none') return { jid, affiliation: value };
    if (value !== undefined && UNSUPPORTED_AFFILIATIONS.has(value)) {
      throw unsupported(`${value}-affiliation`, `push nodes support only publish-only and none, not ${value}`);
    }
    if (value === 'owner') throw new StanzaError('not-acceptable', 'cancel', 'a push node has exactly one owner');
    throw badRequest(`unknown affiliation ${String(value).slice(0, 32)}`);
  });
}

/** XEP-0060 §8.9.1.2: the owner's view of the node's affiliations. */
export function affiliationsReply(node: string, affiliations: Readonly<Record<string, NodeAffiliation>>): Element {
  return xml(
    'pubsub',
    { xmlns: NS.PUBSUB_OWNER },
    xml(
      'affiliations',
      { node },
      ...Object.entries(affiliations).map(([jid, affiliation]) => xml('affiliation', { jid, affiliation })),
    ),
  );
}

/** XEP-0060 §8.1.2: the IQ result names the node the service created. */
export function instantNodeReply(node: string): Element {
  return xml('pubsub', { xmlns: NS.PUBSUB }, xml('create', { node }));
}
