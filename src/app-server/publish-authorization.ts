/**
 * Who may publish to a push node (pure). XEP-0357 §3.2 (Business Rules): "Care SHOULD be taken
 * to ensure that publish requests are coming from the user's server", and a Push Service "SHOULD
 * instead use publish options with credentials shared only with the user's server" (a `secret`
 * in the publish-options, §5); the 'publish-only' affiliation lets "acceptable entities" publish
 * (§3.1/§3.2; XEP-0060 §4.1 adds owner and publisher). Which of these count is the operator's choice (`app_server.publish_authorization`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HeraldConfig } from '../core/config/schema.js';
import { parseJid } from '../xmpp/jid.js';
import { publishModelOf, type NodeAffiliation, type PushNodeRecord } from './node-record.js';

export type AuthorizationMethod = HeraldConfig['app_server']['publish_authorization'][number];

export interface AuthorizationPolicy {
  methods: readonly AuthorizationMethod[];
  /** `any`: one method suffices; `all`: every method must hold. */
  match: 'any' | 'all';
}

/** XEP-0060 §4.1: the affiliations that may publish. */
const PUBLISHING_AFFILIATIONS: ReadonlySet<NodeAffiliation> = new Set(['owner', 'publisher', 'publish-only']);

/**
 * Whether `publisher` (a bare JID) may publish to the node. A node whose publish_model is
 * `open` (XEP-0060 §16.4.3) takes any publisher: its owner chose so.
 */
export function mayPublish(record: PushNodeRecord, publisher: string, secret: string | undefined, policy: AuthorizationPolicy): boolean {
  if (publishModelOf(record) === 'open') return true;
  const holds = (method: AuthorizationMethod): boolean => {
    switch (method) {
      case 'server':
        return publisher === parseJid(record.owner).domain;
      case 'affiliation': {
        const affiliation = record.affiliations[publisher];
        return affiliation !== undefined && PUBLISHING_AFFILIATIONS.has(affiliation);
      }
      case 'secret':
        return record.secret !== undefined && secret !== undefined && secretsEqual(record.secret, secret);
    }
  };
  return policy.match === 'any' ? policy.methods.some(holds) : policy.methods.every(holds);
}

/**
 * Compares in constant time: both sides are hashed first, so neither the position of the first
 * difference nor the length of the stored secret shows in the time taken.
 */
export function secretsEqual(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}
