/**
 * XEP-0060 node management requests a push node needs, parsed and answered as pure wire code:
 * create (§8.1), delete (§8.4), and the owner's affiliations (§8.9); configuration (§8.2) is
 * in node-config.ts.
 */
import xml, { type Element } from '@xmpp/xml';
import { parseDataForm, type DataForm } from '../xmpp/data-form.js';
import { bareJid } from '../xmpp/jid.js';
import { NS } from '../xmpp/namespaces.js';
import { badRequest, StanzaError } from '../xmpp/stanza-error.js';
import type { AffiliationChange } from './node-actor.js';
import { readConfigForm, type NodeConfigChange } from './node-config.js';
import { MAX_NODE_NAME_BYTES } from './node-backend.js';
import type { NodeAffiliation } from './node-record.js';
import { nodeIdRequired, unsupported } from './pubsub-errors.js';
import { attr } from '../xmpp/attr.js';

/** The node type this service hosts (MongooseIM's `push` plugin; the only and so default type). */
const PUSH_NODE_TYPE = 'push';

export interface CreateRequest {
  /** Undefined for an instant node (XEP-0060 §8.1.2): the service picks the name. */
  node?: string;
  /** From a `<configure/>` sibling (XEP-0060 §8.1.3, create-and-configure); empty when none. */
  config: NodeConfigChange;
}

/**
 * `<create node='…' type='push'/>`: `type` is MongooseIM's attribute choosing the node plugin;
 * absent means the default type, push. A `<configure/>` sibling with a form is applied at creation
 * (MongooseIM's client guide sends access_model=whitelist, publish_model=publishers); an empty
 * `<configure/>` asks for the defaults (XEP-0060 §8.1.3).
 */
export function parseCreate(create: Element, pubsub: Element): CreateRequest {
  const type = attr(create, 'type');
  if (type !== undefined && type !== PUSH_NODE_TYPE) {
    // XEP-0060 §8.1.3.1 answers an unsupported creation with <unsupported feature='create-nodes'/>.
    throw unsupported('create-nodes', `only nodes of type ${PUSH_NODE_TYPE} are hosted here`);
  }
  const x = pubsub.getChild('configure')?.getChild('x', NS.DATA);
  const config = x ? createConfig(parseDataForm(x)) : {};
  const node = attr(create, 'node');
  if (node === undefined || node === '') return { config };
  return { node: checkNodeName(node), config };
}

/** XEP-0060 §8.1.3: the form of a create-and-configure is a `submit` node_config form. */
function createConfig(form: DataForm): NodeConfigChange {
  if (form.type !== 'submit') throw badRequest(`a node configuration form of type ${form.type.slice(0, 16)} (submit)`);
  return readConfigForm(form);
}

/** The node named by a request element (publish, delete, affiliations); XEP-0060 nodeid-required. */
export function requireNodeName(el: Element): string {
  const node = attr(el, 'node');
  if (!node) throw nodeIdRequired();
  return checkNodeName(node);
}

export function checkNodeName(node: string): string {
  if (Buffer.byteLength(node) > MAX_NODE_NAME_BYTES) {
    throw badRequest(`node names are limited to ${MAX_NODE_NAME_BYTES} bytes`);
  }
  return node;
}

/**
 * XEP-0060 §4.1 affiliations a push node does not offer (their disco feature names are
 * `<name>-affiliation`): member and outcast concern subscribers, which push nodes do not have.
 */
const UNSUPPORTED_AFFILIATIONS: ReadonlySet<string> = new Set(['member', 'outcast']);

/**
 * XEP-0060 §8.9.2.1: `<affiliations node><affiliation jid affiliation/>…</affiliations>`.
 * Push nodes know `publish-only` (XEP-0357 §3.1 requires it), `publisher` (it may publish, too)
 * and `none` (removal).
 */
export function parseAffiliationChanges(affiliations: Element): AffiliationChange[] {
  return affiliations.getChildren('affiliation').map((entry) => {
    const jid = bareJid(attr(entry, 'jid'));
    const value = attr(entry, 'affiliation');
    if (value === 'publish-only' || value === 'publisher' || value === 'none') return { jid, affiliation: value };
    if (value !== undefined && UNSUPPORTED_AFFILIATIONS.has(value)) {
      throw unsupported(`${value}-affiliation`, `push nodes support publisher, publish-only and none, not ${value}`);
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
