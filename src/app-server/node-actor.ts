/**
 * One actor per push node (ActorRegistry kind `node`): every change of a node, and the check
 * of every publish against it, goes through its actor, so they are ordered per node. The actor
 * is spawned on the first message for its node, loads the node from the store when it is built
 * (also after a crash) and handles its first message once loaded (at once from LMDB, after the
 * read from PostgreSQL), reads it again before its next message once marked stale (another
 * instance changed it: ActorRegistry.markStale), and is passivated when idle.
 *
 * Refusals (StanzaErrors) are reply *values*: a forbidden publish must not count as a crash and
 * rebuild the behaviour. Only unexpected failures (the store) throw and so reset the actor.
 *
 * A publish is validated, authorised, rate limited and handed to the PushDispatcher inside the
 * actor, but the provider round-trip is not awaited there: the reply carries the settlement,
 * which the caller awaits, so one slow APNS answer does not hold up the next publish to the same
 * node. When the answer is a dead device, the caller comes back with `device-gone`.
 *
 * Several instances on one PostgreSQL may each have a live actor for one node, so the record an
 * actor holds may be stale until the change notice arrives: every rewrite of an existing node is
 * a compare-and-set (NodeBackend.replace) and is applied again to the record read afresh when it
 * loses (`rewrite`), so no instance's change is lost and a node removed elsewhere stays removed.
 */
import type { Behaviour, BehaviourFactory } from '../actors/index.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../push-service/notification.js';
import type { Push2Notification } from '../xmpp/push2/push2-types.js';
import { parseJid } from '../xmpp/jid.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { HeraldError, isHeraldError } from '../core/errors.js';
import { carryKey, keyOf, mark, tracing } from '../core/latency-trace.js';
import { StanzaError, toStanzaError } from '../xmpp/stanza-error.js';
import type { NodeConfigChange } from './node-config.js';
import type { NodeBackend } from './node-backend.js';
import type { NodeAffiliation, PushNodeRecord, RegisteredDevice } from './node-record.js';
import { pushKindOf, toPushNotification, type MappingOptions } from './notification-mapping.js';
import { mayPublish, secretsEqual, type AuthorizationPolicy } from './publish-authorization.js';
import { unknownPush2Client } from './push2-client.js';
import { push2KindOf, push2ToPushNotification } from './push2-mapping.js';
import { forbidden, maxNodesExceeded, nodeExists, nodeNotFound, ownerTooLong, rateLimited } from './pubsub-errors.js';
import { PushRateLimiter } from './rate-limiter.js';

/** An owner's change of one entity's affiliation (XEP-0060 §8.9.2); `none` removes it. */
export interface AffiliationChange {
  /** Bare JID. */
  jid: string;
  affiliation: 'publisher' | 'publish-only' | 'none';
}

/** Requesters are bare JIDs (the facade normalises them). */
export type NodeMessage =
  | { kind: 'create'; owner: string; config: NodeConfigChange }
  | { kind: 'delete'; requester: string }
  | { kind: 'get-affiliations'; requester: string }
  | { kind: 'set-affiliations'; requester: string; changes: readonly AffiliationChange[] }
  | { kind: 'get-config'; requester: string }
  | { kind: 'set-config'; requester: string; change: NodeConfigChange }
  | { kind: 'publish'; publish: PushPublish }
  /** A Push 2.0 notification whose `<client/>` names this node and carries `secret` (push2-client.ts). */
  | { kind: 'push2'; notification: Push2Notification; secret: string }
  /** The push service answered a publish by `publisher` (bare JID) with a dead device. */
  | { kind: 'device-gone'; publisher: string }
  /** A register command: create the node for `owner`, or update its device. */
  | { kind: 'register'; owner: string; device: RegisteredDevice; secret: string }
  /** unregister-push: delete the node if `requester` registered it by command. */
  | { kind: 'unregister'; requester: string };

/** What one shard asks of another shard's node actor: publishes and Push 2.0 notifications cross as a whole. */
export type PeerNodeMessage = Exclude<NodeMessage, { kind: 'publish' | 'push2' }>;

/** How a dispatch ended: the push service's outcome, or what it threw (e.g. HERALD_MAILBOX_FULL). */
export type SendSettlement = { outcome: PushOutcome } | { thrown: unknown };

export type NodeReply =
  | { kind: 'done' }
  | { kind: 'affiliations'; affiliations: Readonly<Record<string, NodeAffiliation>> }
  | { kind: 'config'; record: PushNodeRecord }
  /** Never rejects. */
  | { kind: 'sending'; settled: Promise<SendSettlement> }
  /** `owner` is undefined when the node no longer exists. */
  | { kind: 'publisher-removed'; owner: string | undefined; removed: boolean }
  | { kind: 'registered'; secret: string }
  | { kind: 'unregistered'; removed: boolean }
  | { kind: 'refused'; error: StanzaError };

export interface NodeActorDeps {
  nodes: NodeBackend;
  dispatcher: PushDispatcher;
  mapping: MappingOptions;
  authorization: AuthorizationPolicy;
  /** Pushes per kind per interval (0 = unlimited), see rate-limiter.ts. */
  rateLimit: { perNode: number; intervalMs: number };
  /** `app_server.max_nodes_per_owner`: a create or register of one more node is refused. */
  maxNodesPerOwner: number;
  /** Whether another instance changed `node` since its actor last read it, clearing the mark (ActorRegistry.takeStale). */
  takeStale(node: string): boolean;
  now?: () => number;
}

/** The registry factory: node name → factory of its behaviour. */
export function nodeBehaviours(deps: NodeActorDeps): (node: string) => BehaviourFactory<NodeMessage, NodeReply> {
  return (node) => () => new PushNodeBehaviour(node, deps);
}

/**
 * How many times one request's rewrite of a node is tried, each on the record read afresh after
 * another instance's write won, before it is answered `wait` (HERALD_STORE_CONTENDED): a loss
 * means that instance wrote in between, so three in a row is sustained contention for one node,
 * which the requester retries later rather than holding up the node's queue.
 */
export const MAX_REWRITE_ATTEMPTS = 3;

/** A rewrite's `next` that removes the node. */
const REMOVED = Symbol('removed');

/**
 * What a request makes of the node's current record: the record to write, or REMOVED (absent:
 * nothing changes), and the answer once it is written.
 */
interface Rewrite {
  next?: PushNodeRecord | typeof REMOVED;
  reply: NodeReply;
}

/** XEP-0060 §4.1: the affiliations whose publishing right a dead device ends (never the owner's). */
const REVOCABLE: ReadonlySet<NodeAffiliation> = new Set(['publisher', 'publish-only']);

function refusedOrThrow(e: unknown): NodeReply {
  if (e instanceof StanzaError) return { kind: 'refused', error: e };
  // A full store or a contended node refuses the write; the node's state is intact, so no rebuild (and no crash log).
  if (isHeraldError(e, 'HERALD_STORE_FULL') || isHeraldError(e, 'HERALD_STORE_CONTENDED')) return { kind: 'refused', error: toStanzaError(e) };
  throw e;
}

class PushNodeBehaviour implements Behaviour<NodeMessage, NodeReply> {
  /** The persisted record, or undefined while the node does not exist. */
  private record: PushNodeRecord | undefined;
  /** Until the record is read from a store that answers later (PostgreSQL); LMDB answers at once. */
  private loading: Promise<void> | undefined;
  private readonly limiter: PushRateLimiter;
  private readonly now: () => number;

  constructor(
    private readonly node: string,
    private readonly deps: NodeActorDeps,
  ) {
    deps.takeStale(node); // read below, after any notice so far
    this.load();
    this.now = deps.now ?? Date.now;
    this.limiter = new PushRateLimiter(deps.rateLimit.perNode, deps.rateLimit.intervalMs, this.now);
  }

  /** Reads the record, after a read still in flight (which may predate the change). */
  private load(): void {
    const read = () => {
      const stored = this.deps.nodes.get(this.node);
      if (!(stored instanceof Promise)) {
        this.record = stored;
        return undefined;
      }
      return stored.then((record) => {
        this.record = record;
      });
    };
    const loaded = this.loading ? this.loading.then(read) : read();
    if (!loaded) return;
    this.loading = loaded;
    // A failed read is the next message's failure (a crash, so a new read); never unhandled.
    loaded.catch(() => undefined);
  }

  handle(msg: NodeMessage): NodeReply | Promise<NodeReply> {
    if (this.deps.takeStale(this.node)) this.load();
    if (!this.loading) return this.handleLoaded(msg);
    return this.loading.then(() => {
      this.loading = undefined;
      return this.handleLoaded(msg);
    });
  }

  private handleLoaded(msg: NodeMessage): NodeReply | Promise<NodeReply> {
    // The publish check is synchronous: keep the hot path free of promise layers.
    if (msg.kind === 'publish' || msg.kind === 'push2') {
      try {
        return msg.kind === 'publish' ? this.publish(msg.publish) : this.push2(msg.notification, msg.secret);
      } catch (e) {
        return refusedOrThrow(e);
      }
    }
    return this.dispatch(msg).catch(refusedOrThrow);
  }

  private async dispatch(msg: NodeMessage): Promise<NodeReply> {
    switch (msg.kind) {
      case 'create':
        return this.create(msg.owner, msg.config);
      case 'publish':
        return this.publish(msg.publish); // normally taken synchronously by handle()
      case 'push2':
        return this.push2(msg.notification, msg.secret); // the same
      case 'delete':
        return this.rewrite((current) => {
          this.requireOwner(msg.requester, current);
          return { next: REMOVED, reply: { kind: 'done' } };
        });
      case 'get-affiliations':
        return { kind: 'affiliations', affiliations: { ...this.requireOwner(msg.requester).affiliations } };
      case 'set-affiliations':
        return this.setAffiliations(msg.requester, msg.changes);
      case 'get-config':
        return { kind: 'config', record: this.requireOwner(msg.requester) };
      case 'set-config':
        return this.rewrite((current) => {
          const record = this.requireOwner(msg.requester, current);
          const done: NodeReply = { kind: 'done' };
          return msg.change.publishModel === undefined ? { reply: done } : { next: { ...record, ...configFields(msg.change) }, reply: done };
        });
      case 'device-gone':
        return this.removePublisher(msg.publisher);
      case 'register':
        return this.register(msg.owner, msg.device, msg.secret);
      case 'unregister':
        return this.unregister(msg.requester);
    }
  }

  /** XEP-0060 §8.1.3.4: a node that exists cannot be created again. */
  private async create(owner: string, config: NodeConfigChange): Promise<NodeReply> {
    if (this.record) throw nodeExists(this.node);
    const record: PushNodeRecord = { owner, type: 'push', createdAt: this.now(), affiliations: { [owner]: 'owner' }, ...configFields(config) };
    if (!(await this.createNew(record))) throw nodeExists(this.node);
    return { kind: 'done' };
  }

  /**
   * Creates the node this actor knew no record of, within its owner's cap (both checked
   * atomically by the store). False when it exists after all (another instance created it
   * meanwhile): its record is then loaded.
   */
  private async createNew(record: PushNodeRecord): Promise<boolean> {
    if (!this.deps.nodes.ownerIndexFits(record.owner, this.node)) throw ownerTooLong();
    const max = this.deps.maxNodesPerOwner;
    if (await this.deps.nodes.createCapped(this.node, record, max)) {
      this.record = record;
      return true;
    }
    this.record = await this.deps.nodes.get(this.node);
    if (this.record) return false;
    throw maxNodesExceeded(max);
  }

  /**
   * Authorisation (publish-authorization.ts), then the mapping (which refuses unusable
   * publish-options), then the rate limit: a refused publish does not use up the window.
   */
  private publish(publish: PushPublish): NodeReply {
    if (tracing) mark('node.publish', keyOf(publish));
    const record = this.requireNode();
    const publisher = parseJid(publish.from).bare().toString();
    if (!mayPublish(record, publisher, publish.publishOptions.secret, this.deps.authorization)) {
      throw forbidden(`${publisher.slice(0, 64)} may not publish to this node`);
    }
    const notification = toPushNotification(publish, this.deps.mapping, record.device, record.owner);
    const kind = pushKindOf(publish, notification);
    if (!this.limiter.tryTake(kind)) {
      throw rateLimited(kind, this.deps.rateLimit.perNode, this.deps.rateLimit.intervalMs, this.limiter.waitMs(kind));
    }
    carryKey(publish, notification);
    return this.send(notification);
  }

  /**
   * Push 2.0 (push2-mapping.ts): only a node a register command made is a route, and only with
   * its secret, compared in constant time. A missing device and a wrong secret are the same
   * answer (push2-client.ts). Then the rate limit, as for a publish.
   */
  private push2(n: Push2Notification, secret: string): NodeReply {
    const record = this.record;
    if (record?.device === undefined || record.secret === undefined || !secretsEqual(record.secret, secret)) throw unknownPush2Client();
    const notification = push2ToPushNotification(n, record.device, this.deps.mapping);
    const kind = push2KindOf(n);
    if (!this.limiter.tryTake(kind)) {
      throw rateLimited(kind, this.deps.rateLimit.perNode, this.deps.rateLimit.intervalMs, this.limiter.waitMs(kind));
    }
    return this.send(notification);
  }

  /** Hands `notification` to the push service; the reply carries the settlement (never rejects). */
  private send(notification: PushNotification): NodeReply {
    let sending: Promise<PushOutcome>;
    try {
      sending = Promise.resolve(this.deps.dispatcher.send(notification));
    } catch (e) {
      sending = Promise.reject(e);
    }
    return { kind: 'sending', settled: sending.then((outcome) => ({ outcome }), (thrown: unknown) => ({ thrown })) };
  }

  /**
   * XEP-0357 §8: the device is gone, so the publisher loses its publish-enabling affiliation
   * (publisher / publish-only). The owner's own affiliation stays: the owner may still manage,
   * re-register or delete the node.
   */
  private removePublisher(publisher: string): Promise<NodeReply> {
    return this.rewrite((record) => {
      if (!record) return { reply: { kind: 'publisher-removed', owner: undefined, removed: false } };
      const affiliation = record.affiliations[publisher];
      if (affiliation === undefined || !REVOCABLE.has(affiliation)) return { reply: { kind: 'publisher-removed', owner: record.owner, removed: false } };
      const affiliations = { ...record.affiliations };
      delete affiliations[publisher];
      return { next: { ...record, affiliations }, reply: { kind: 'publisher-removed', owner: record.owner, removed: true } };
    });
  }

  /**
   * A register command (registration-commands.ts): the node belongs to the requester, its server
   * may publish (publish-only, as MongooseIM's client guide grants it by hand), and a publish may
   * authenticate with the secret. Registering the same device again updates the token and keeps
   * node and secret, so the client's `<enable/>` stays valid.
   */
  private register(owner: string, device: RegisteredDevice, secret: string): Promise<NodeReply> {
    const domain = parseJid(owner).domain;
    // Registering a device again updates its node; a new device is a new node, within the cap
    // (rewrite creates it; registered through another instance meanwhile, it is updated instead).
    return this.rewrite((existing) => {
      if (existing && existing.owner !== owner) throw nodeExists(this.node);
      const base: PushNodeRecord = existing ?? { owner, type: 'push', createdAt: this.now(), affiliations: { [owner]: 'owner' } };
      const kept = base.secret ?? secret;
      const next: PushNodeRecord = { ...base, affiliations: { ...base.affiliations, [domain]: 'publish-only' }, secret: kept, device };
      return { next, reply: { kind: 'registered', secret: kept } };
    });
  }

  private unregister(requester: string): Promise<NodeReply> {
    return this.rewrite((record) =>
      !record || record.owner !== requester || record.device === undefined
        ? { reply: { kind: 'unregistered', removed: false } }
        : { next: REMOVED, reply: { kind: 'unregistered', removed: true } },
    );
  }

  /**
   * XEP-0060 §8.9.2: all changes apply or none. The owner's own entry is not changeable
   * (a push node has exactly one owner; XEP-0060 §8.9.2.4 lets the service refuse that).
   */
  private setAffiliations(requester: string, changes: readonly AffiliationChange[]): Promise<NodeReply> {
    return this.rewrite((current) => {
      const record = this.requireOwner(requester, current);
      const affiliations = { ...record.affiliations };
      for (const change of changes) {
        if (change.jid === record.owner) {
          throw new StanzaError('not-acceptable', 'cancel', "the owner's affiliation cannot change");
        }
        if (change.affiliation === 'none') delete affiliations[change.jid];
        else affiliations[change.jid] = change.affiliation;
      }
      return { next: { ...record, affiliations }, reply: { kind: 'done' } };
    });
  }

  /**
   * Applies `change` to the record this actor holds (undefined: no such node) and writes what it
   * makes of it: an existing node is rewritten or removed by compare-and-set, a missing one (only
   * `register` makes a record of none) is created within the cap. When the write loses to
   * another instance's, the record is read again and `change` applied again, at most
   * MAX_REWRITE_ATTEMPTS times; a refusal that `change` throws on the fresh record
   * (item-not-found once the node is gone) is the answer. Durable first, then visible.
   */
  private async rewrite(change: (current: PushNodeRecord | undefined) => Rewrite): Promise<NodeReply> {
    for (let attempt = 1; ; attempt++) {
      const current = this.record;
      const { next, reply } = change(current);
      if (next === undefined || (await this.written(current, next))) return reply;
      if (attempt === MAX_REWRITE_ATTEMPTS) throw new HeraldError('HERALD_STORE_CONTENDED', `push node written elsewhere ${attempt} times in a row`);
    }
  }

  /**
   * Writes `next` (or removes the node) if the stored record is still `current`, and holds what
   * is stored afterwards: `next`, or on a loss the record another instance stored (or none).
   */
  private async written(current: PushNodeRecord | undefined, next: PushNodeRecord | typeof REMOVED): Promise<boolean> {
    if (current === undefined) return next === REMOVED || this.createNew(next);
    const nodes = this.deps.nodes;
    const won = next === REMOVED ? await nodes.removeIf(this.node, current) : await nodes.replace(this.node, current, next);
    this.record = !won ? await nodes.get(this.node) : next === REMOVED ? undefined : next;
    return won;
  }

  private requireNode(): PushNodeRecord {
    if (!this.record) throw nodeNotFound(this.node);
    return this.record;
  }

  /** XEP-0060 §8.4.3.1 / §8.9.1.2: owner operations by anyone else are auth/forbidden. */
  private requireOwner(requester: string, record: PushNodeRecord | undefined = this.record): PushNodeRecord {
    if (!record) throw nodeNotFound(this.node);
    if (record.owner !== requester) throw forbidden('only the node owner may do this');
    return record;
  }
}

/** The record fields a configuration change sets. */
function configFields(change: NodeConfigChange): Partial<PushNodeRecord> {
  return change.publishModel === undefined ? {} : { publishModel: change.publishModel };
}
