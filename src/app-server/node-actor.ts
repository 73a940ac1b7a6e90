/**
 * One actor per push node (ActorRegistry kind `node`): every change of a node, and the check
 * of every publish against it, goes through its actor, so they are ordered per node. The actor
 * is spawned on the first message for its node, loads the node from the store when it is built
 * (also after a crash), and is passivated when idle.
 *
 * Refusals (StanzaErrors) are reply *values*: a forbidden publish must not count as a crash and
 * rebuild the behaviour. Only unexpected failures (the store) throw and so reset the actor.
 *
 * A publish is validated and handed to the PushDispatcher inside the actor, but the provider
 * round-trip is not awaited there: the reply carries the settlement, which the caller awaits,
 * so one slow APNS answer does not hold up the next publish to the same node.
 */
import type { Behaviour, BehaviourFactory } from '../actors/index.js';
import type { PushDispatcher, PushOutcome } from '../push-service/notification.js';
import { parseJid } from '../xmpp/jid.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { StanzaError } from '../xmpp/stanza-error.js';
import { toPushNotification, type MappingOptions } from './notification-mapping.js';
import type { NodeAffiliation, PushNodeRecord, PushNodeStore } from './node-store.js';
import { forbidden, nodeExists, nodeNotFound } from './pubsub-errors.js';

/** An owner's change of one entity's affiliation (XEP-0060 §8.9.2); `none` removes it. */
export interface AffiliationChange {
  /** Bare JID. */
  jid: string;
  affiliation: 'publish-only' | 'none';
}

/** Requesters are bare JIDs (the facade normalises them). */
export type NodeMessage =
  | { kind: 'create'; owner: string }
  | { kind: 'delete'; requester: string }
  | { kind: 'get-affiliations'; requester: string }
  | { kind: 'set-affiliations'; requester: string; changes: readonly AffiliationChange[] }
  | { kind: 'publish'; publish: PushPublish };

/** How a dispatch ended: the push service's outcome, or what it threw (e.g. HERALD_MAILBOX_FULL). */
export type SendSettlement = { outcome: PushOutcome } | { thrown: unknown };

export type NodeReply =
  | { kind: 'done' }
  | { kind: 'affiliations'; affiliations: Readonly<Record<string, NodeAffiliation>> }
  /** Never rejects. */
  | { kind: 'sending'; settled: Promise<SendSettlement> }
  | { kind: 'refused'; error: StanzaError };

export interface NodeActorDeps {
  nodes: PushNodeStore;
  dispatcher: PushDispatcher;
  mapping: MappingOptions;
  now?: () => number;
}

/** The registry factory: node name → factory of its behaviour. */
export function nodeBehaviours(deps: NodeActorDeps): (node: string) => BehaviourFactory<NodeMessage, NodeReply> {
  return (node) => () => new PushNodeBehaviour(node, deps);
}

function refusedOrThrow(e: unknown): NodeReply {
  if (e instanceof StanzaError) return { kind: 'refused', error: e };
  throw e;
}

class PushNodeBehaviour implements Behaviour<NodeMessage, NodeReply> {
  /** The persisted record, or undefined while the node does not exist. */
  private record: PushNodeRecord | undefined;

  constructor(
    private readonly node: string,
    private readonly deps: NodeActorDeps,
  ) {
    this.record = deps.nodes.get(node);
  }

  handle(msg: NodeMessage): NodeReply | Promise<NodeReply> {
    // The publish check is synchronous: keep the hot path free of promise layers.
    if (msg.kind === 'publish') {
      try {
        return this.publish(msg.publish);
      } catch (e) {
        return refusedOrThrow(e);
      }
    }
    return this.dispatch(msg).catch(refusedOrThrow);
  }

  private async dispatch(msg: NodeMessage): Promise<NodeReply> {
    switch (msg.kind) {
      case 'create':
        return this.create(msg.owner);
      case 'publish':
        return this.publish(msg.publish); // normally taken synchronously by handle()
      case 'delete':
        this.requireOwner(msg.requester);
        await this.deps.nodes.remove(this.node);
        this.record = undefined;
        return { kind: 'done' };
      case 'get-affiliations':
        return { kind: 'affiliations', affiliations: { ...this.requireOwner(msg.requester).affiliations } };
      case 'set-affiliations':
        return this.setAffiliations(msg.requester, msg.changes);
    }
  }

  /** XEP-0060 §8.1.3.4: a node that exists cannot be created again. */
  private async create(owner: string): Promise<NodeReply> {
    if (this.record) throw nodeExists(this.node);
    const record: PushNodeRecord = {
      owner,
      type: 'push',
      createdAt: (this.deps.now ?? Date.now)(),
      affiliations: { [owner]: 'owner' },
    };
    await this.deps.nodes.put(this.node, record);
    this.record = record;
    return { kind: 'done' };
  }

  /**
   * XEP-0357 §8 / XEP-0060 §7.1.3.1: the publisher must be the owner, a publish-only affiliate,
   * or the owner's own server (its domain JID: the XMPP server role publishes from there).
   */
  private publish(publish: PushPublish): NodeReply {
    const record = this.requireNode();
    const publisher = parseJid(publish.from).bare().toString();
    const ownerDomain = parseJid(record.owner).domain;
    if (!record.affiliations[publisher] && publisher !== ownerDomain) {
      throw forbidden(`${publisher.slice(0, 64)} may not publish to this node`);
    }
    const notification = toPushNotification(publish, this.deps.mapping);
    let sending: Promise<PushOutcome>;
    try {
      sending = Promise.resolve(this.deps.dispatcher.send(notification));
    } catch (e) {
      sending = Promise.reject(e);
    }
    return { kind: 'sending', settled: sending.then((outcome) => ({ outcome }), (thrown: unknown) => ({ thrown })) };
  }

  /**
   * XEP-0060 §8.9.2: all changes apply or none. The owner's own entry is not changeable
   * (a push node has exactly one owner; XEP-0060 §8.9.2.4 lets the service refuse that).
   */
  private async setAffiliations(requester: string, changes: readonly AffiliationChange[]): Promise<NodeReply> {
    const record = this.requireOwner(requester);
    const affiliations = { ...record.affiliations };
    for (const change of changes) {
      if (change.jid === record.owner) {
        throw new StanzaError('not-acceptable', 'cancel', "the owner's affiliation cannot change");
      }
      if (change.affiliation === 'none') delete affiliations[change.jid];
      else affiliations[change.jid] = change.affiliation;
    }
    const next: PushNodeRecord = { ...record, affiliations };
    await this.deps.nodes.put(this.node, next);
    this.record = next;
    return { kind: 'done' };
  }

  private requireNode(): PushNodeRecord {
    if (!this.record) throw nodeNotFound(this.node);
    return this.record;
  }

  /** XEP-0060 §8.4.3.1 / §8.9.1.2: owner operations by anyone else are auth/forbidden. */
  private requireOwner(requester: string): PushNodeRecord {
    const record = this.requireNode();
    if (record.owner !== requester) throw forbidden('only the node owner may do this');
    return record;
  }
}
