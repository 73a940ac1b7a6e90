/**
 * XEP-0030 disco of the App Server. XEP-0357 §4.2: the service identifies as `pubsub/push` (its
 * example lists `urn:xmpp:push:0` too); XEP-0060 §5.1 lists the pubsub features it offers;
 * XEP-0050 §2 its commands (disco#items of node `http://jabber.org/protocol/commands`).
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../xmpp/namespaces.js';
import { NS_COMMANDS } from './ad-hoc.js';

export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

const PUBSUB_FEATURES = [
  'config-node',
  'create-and-configure',
  'create-nodes',
  'delete-nodes',
  'instant-nodes',
  'modify-affiliations',
  'publish',
  'publish-options',
  'publish-only-affiliation',
  'publisher-affiliation',
] as const;

export const APP_SERVER_FEATURES: readonly string[] = [
  NS.DISCO_INFO,
  NS_DISCO_ITEMS,
  NS.PUSH,
  NS.PUBSUB,
  ...PUBSUB_FEATURES.map((f) => `${NS.PUBSUB}#${f}`),
];

/** The service's own disco#info; `commands` when the registration commands are served. */
export function serviceInfo(commands: boolean): Element {
  const features = commands ? [...APP_SERVER_FEATURES, NS_COMMANDS] : APP_SERVER_FEATURES;
  return xml(
    'query',
    { xmlns: NS.DISCO_INFO },
    xml('identity', { category: 'pubsub', type: 'push' }),
    ...features.map((v) => xml('feature', { var: v })),
  );
}

/** XEP-0060 §5.3: disco#info of one node (a leaf). */
export function nodeInfo(node: string): Element {
  return xml(
    'query',
    { xmlns: NS.DISCO_INFO, node },
    xml('identity', { category: 'pubsub', type: 'leaf' }),
    xml('feature', { var: NS.PUBSUB }),
  );
}

/** XEP-0050 (discovery; registrar: category automation): the command list node is `automation/command-list`. */
export function commandListInfo(): Element {
  return xml('query', { xmlns: NS.DISCO_INFO, node: NS_COMMANDS }, xml('identity', { category: 'automation', type: 'command-list' }));
}

/** XEP-0050 (discovery): one command is `automation/command-node` offering commands and data forms. */
export function commandInfo(node: string, name: string): Element {
  return xml(
    'query',
    { xmlns: NS.DISCO_INFO, node },
    xml('identity', { category: 'automation', type: 'command-node', name }),
    xml('feature', { var: NS_COMMANDS }),
    xml('feature', { var: NS.DATA }),
  );
}

/** XEP-0050 (discovery): one `<item jid node name/>` per command, the jid being this service. */
export function commandItems(serviceJid: string, commands: ReadonlyArray<{ node: string; name: string }>): Element {
  return xml(
    'query',
    { xmlns: NS_DISCO_ITEMS, node: NS_COMMANDS },
    ...commands.map((c) => xml('item', { jid: serviceJid, node: c.node, name: c.name })),
  );
}

/**
 * disco#items with nothing to list: of the service (node names are not listed — they would tell
 * anyone which accounts have push) and of a push node (it keeps no items).
 */
export function noItems(node?: string): Element {
  return xml('query', node === undefined ? { xmlns: NS_DISCO_ITEMS } : { xmlns: NS_DISCO_ITEMS, node });
}
