/**
 * XEP-0030 disco#info of the App Server. XEP-0357 §8: the service identifies as `pubsub/push`;
 * XEP-0060 §5.1 lists the pubsub features it offers.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../xmpp/namespaces.js';

const PUBSUB_FEATURES = [
  'create-nodes',
  'delete-nodes',
  'instant-nodes',
  'publish',
  'publish-options',
  'publish-only-affiliation',
  'modify-affiliations',
] as const;

export const APP_SERVER_FEATURES: readonly string[] = [
  NS.DISCO_INFO,
  NS.PUBSUB,
  ...PUBSUB_FEATURES.map((f) => `${NS.PUBSUB}#${f}`),
];

/** The service's own disco#info. */
export function serviceInfo(): Element {
  return xml(
    'query',
    { xmlns: NS.DISCO_INFO },
    xml('identity', { category: 'pubsub', type: 'push' }),
    ...APP_SERVER_FEATURES.map((v) => xml('feature', { var: v })),
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
