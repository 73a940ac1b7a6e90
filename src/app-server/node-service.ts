/**
 * The push nodes of the App Server role, behind its IQ routing (app-server.ts): their lifecycle
 * (create, delete, affiliations, configuration, the registration commands' register and
 * unregister) and the notification publish of XEP-0357 §7, each done by the node's actor.
 * Every refusal is a thrown StanzaError; the caller turns it into the IQ error.
 *
 * A node is asked through its actor only when it exists (in memory or in the store) or is being
 * created, so unknown node names cannot grow the actor registry. With shards (shards/), a node
 * another shard owns is reached through its owner.
 *
 * The store is a NodeBackend (node-backend.ts): LMDB by default, or one shared by several Herald
 * instances (PostgreSQL). With a shared one, the change feed names each node another instance
 * changed; its live actor (never a new one) reads it again before its next message.
 */
import { randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { ActorRegistry, ArrivalOrder, type ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import type { PushDispatcher } from '../push-service/notification.js';
import { andThen, type Awaitable } from '../store/awaitable.js';
import type { ChangeFeed } from '../store/change-feed.js';
import { bareJid } from '../xmpp/jid.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { StanzaError, toStanzaError } from '../xmpp/stanza-error.js';
import { nodeBehaviours, type AffiliationChange, type NodeMessage, type PeerNodeMessage, type NodeReply, type SendSettlement } from './node-actor.js';
import type { NodeConfigChange } from './node-config.js';
import { checkNodeName } from './node-requests.js';
import type { NodeAffiliation, PushNodeRecord } from './node-record.js';
import { outcomeError } from './outcome-errors.js';
import { readPush2Client, unknownPush2Client } from './push2-client.js';
import { push2OutcomeError } from './push2-errors.js';
import type { Push2Notification } from '../xmpp/push2/push2-types.js';
import { MAX_NODE_NAME_BYTES, type NodeBackend } from './node-backend.js';
import { maxNodesExceeded, nodeIdRequired, nodeNotFound, ownerTooLong } from './pubsub-errors.js';
import { newSecret, registrationNodeName, type DeviceRegistration, type Unregistration } from './registration-commands.js';
import { affiliationNoneNotice } from './remote-disable.js';
import type { Logger } from '../core/log.js';

/** A request that has entered its node's mailbox: the actor's reply to come (boxed, so a promise can say "asked" apart from "answered"). */
interface Asked {
  reply: Promise<NodeReply>;
}

/** 96 random bits per instant node name (XEP-0060 §8.1.2): collisions are negligible. */
const INSTANT_NODE_ID_BYTES = 12;

export interface NodeServiceOptions {
  /** The pubsub service JID, the `from` of the XEP-0357 §8 notice. */
  jid: string;
  config: Pick<HeraldConfig, 'app_server' | 'actors'>;
  nodes: NodeBackend;
  /** Other instances' changes to a shared `nodes` (absent with LMDB: every change is this process's). */
  changes?: ChangeFeed;
  /** One node service per runtime: its actors use the names `node-*`. */
  actors: ActorRuntime;
  dispatcher: PushDispatcher;
  /** Delivers the XEP-0357 §8 affiliation notice after a dead device. */
  route: (stanza: Element) => void;
  /** Where a crashed node actor (`app_server.node_crashed`) and a dead device's unfinished follow-up are logged. */
  log: Logger;
  now?: () => number;
  owners?: NodeOwners;
}

/** The push nodes of other shards, reached through their owners (shards/shard-peers.ts). */
export interface NodeOwners {
  owns(node: string): boolean;
  /** The owner's node actor's reply; a refusal comes back as `refused` with its StanzaError. */
  ask(node: string, message: PeerNodeMessage): Promise<NodeReply>;
  /** The owner's `publishLocal`: resolves or throws its StanzaError. */
  publish(publish: PushPublish): Promise<void>;
  /** The owner's `deliverPush2` for the node of `client`: resolves or throws its StanzaError. */
  deliverPush2(node: string, notification: Push2Notification): Promise<void>;
}

export class PushNodeService {
  private readonly jid: string;
  private readonly nodes: NodeBackend;
  private readonly registry: ActorRegistry<NodeMessage, NodeReply>;
  private readonly route: (stanza: Element) => void;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly owners: NodeOwners | undefined;
  private readonly maxNodesPerOwner: number;
  private registrationKey: Promise<Buffer> | undefined;
  private readonly unsubscribe: () => void;
  /** Requests still reading the store before they ask, per node (inArrivalOrder). */
  private readonly arrivals = new ArrivalOrder();
  private closed = false;

  constructor(options: NodeServiceOptions) {
    const settings = options.config.app_server;
    this.jid = options.jid;
    this.nodes = options.nodes;
    this.maxNodesPerOwner = settings.max_nodes_per_owner;
    this.route = options.route;
    this.owners = options.owners;
    this.log = options.log;
    const behaviours = nodeBehaviours({
      nodes: this.nodes,
      dispatcher: options.dispatcher,
      mapping: {
        defaultAlertTitle: settings.default_alert_title,
        defaultAlertBody: settings.default_alert_body,
        forwardSender: settings.forward_sender,
        forwardBody: settings.forward_body,
      },
      authorization: { methods: settings.publish_authorization, match: settings.publish_authorization_match },
      rateLimit: { perNode: settings.rate_limit_per_node, intervalMs: settings.rate_limit_interval_ms },
      maxNodesPerOwner: settings.max_nodes_per_owner,
      takeStale: (node) => this.registry.takeStale(node),
      now: options.now,
    });
    this.registry = new ActorRegistry(options.actors.system, behaviours, {
      kind: 'node',
      mailboxCapacity: options.config.actors.mailbox_capacity,
      shardSize: options.config.actors.shard_size,
      passivateAfterMs: options.config.actors.passivate_after_ms,
      maxLive: options.config.actors.max_live_actors,
      stopBatchSize: options.config.actors.stop_batch_size,
      onCrash: (error, node) => this.log.error('app_server.node_crashed', { node, error }),
    });
    // Another instance changed a node (undefined: maybe any node): its live actor reads it again
    // before its next message, however full its mailbox; a node without a live actor is read
    // when one is spawned.
    this.unsubscribe = options.changes?.subscribe('app_server_nodes', (node) => this.registry.markStale(node)) ?? (() => {});
  }

  /** Whether requests are refused (close() was called): HERALD_SHUTTING_DOWN as a StanzaError. */
  refuseWhenClosed(): void {
    if (this.closed) throw shuttingDown();
  }

  /** Whether `node` is stored (disco). */
  async exists(node: string): Promise<boolean> {
    return (await this.nodes.get(node)) !== undefined;
  }

  /** The stored node (diagnostics); undefined when it does not exist. */
  async node(name: string): Promise<PushNodeRecord | undefined> {
    return this.nodes.get(name);
  }

  /** Node actors alive right now (diagnostics; idle ones are passivated). */
  get liveNodeActors(): number {
    return this.registry.size;
  }

  /** XEP-0060 §8.1: creates `node` for `owner`, or an instant node (§8.1.2) when none is named; its name. */
  async create(owner: string, node: string | undefined, config: NodeConfigChange): Promise<string> {
    const name = node ?? randomBytes(INSTANT_NODE_ID_BYTES).toString('base64url');
    const reply = this.inArrivalOrder(name, () => andThen(this.refuseBeyondNodeCap(owner, name), () => ({ reply: this.ask(name, { kind: 'create', owner, config }) })));
    unwrap(await reply, 'done');
    return name;
  }

  /** XEP-0060 §8.4. */
  async delete(node: string, requester: string): Promise<void> {
    unwrap(await this.askExisting(node, { kind: 'delete', requester }), 'done');
  }

  /** XEP-0060 §8.9.1. */
  async affiliations(node: string, requester: string): Promise<Readonly<Record<string, NodeAffiliation>>> {
    return unwrap(await this.askExisting(node, { kind: 'get-affiliations', requester }), 'affiliations').affiliations;
  }

  /** XEP-0060 §8.9.2. */
  async setAffiliations(node: string, requester: string, changes: readonly AffiliationChange[]): Promise<void> {
    unwrap(await this.askExisting(node, { kind: 'set-affiliations', requester, changes }), 'done');
  }

  /** XEP-0060 §8.2: the stored node, for its configuration form. */
  async configuration(node: string, requester: string): Promise<PushNodeRecord> {
    return unwrap(await this.askExisting(node, { kind: 'get-config', requester }), 'config').record;
  }

  /** XEP-0060 §8.2.5: the submitted configuration applied. */
  async configure(node: string, requester: string, change: NodeConfigChange): Promise<void> {
    unwrap(await this.askExisting(node, { kind: 'set-config', requester, change }), 'done');
  }

  /**
   * The notification publish of XEP-0357 §7 without XML. Resolves when the push service accepted
   * the notification; throws the StanzaError the IQ is answered with otherwise. A dead device
   * first ends the publisher's affiliation and notifies the node owner (XEP-0357 §8).
   */
  async publishLocal(publish: PushPublish): Promise<void> {
    if (this.owners && publish.node && !this.owners.owns(publish.node)) return this.publishElsewhere(publish);
    let settled: SendSettlement;
    try {
      if (!publish.node) throw nodeIdRequired();
      const reply = await this.askExisting(checkNodeName(publish.node), { kind: 'publish', publish });
      settled = await unwrap(reply, 'sending').settled;
    } catch (e) {
      throw toStanzaError(e); // a store failure, too, leaves here as a StanzaError
    }
    if ('thrown' in settled) throw toStanzaError(settled.thrown);
    const error = outcomeError(settled.outcome);
    if (!error) return;
    if (!settled.outcome.ok && settled.outcome.reason === 'unregistered') await this.deviceGone(publish.node, publish.from);
    throw error;
  }

  /**
   * A Push 2.0 notification (push2-client.ts, push2-mapping.ts): through the actor of the node its
   * `<client/>` names, like a publish (authorisation, rate limit, dead device). Resolves when the
   * push service accepted it; throws the StanzaError its `<message type='error'>` carries
   * (push2-errors.ts). An unknown node is answered as a wrong secret is.
   */
  async deliverPush2(notification: Push2Notification): Promise<void> {
    const client = readPush2Client(notification.client);
    if (!client || Buffer.byteLength(client.node) > MAX_NODE_NAME_BYTES) throw unknownPush2Client();
    const { node, secret } = client;
    const owners = this.owners;
    if (owners && !owners.owns(node)) return this.elsewhere(() => owners.deliverPush2(node, notification));
    let settled: SendSettlement;
    try {
      const reply = await this.askExisting(node, { kind: 'push2', notification, secret });
      settled = await unwrap(reply, 'sending').settled;
    } catch (e) {
      const error = toStanzaError(e);
      throw error.condition === 'item-not-found' ? unknownPush2Client() : error;
    }
    if ('thrown' in settled) throw toStanzaError(settled.thrown);
    const error = push2OutcomeError(settled.outcome);
    if (!error) return;
    if (!settled.outcome.ok && settled.outcome.reason === 'unregistered') await this.deviceGone(node, notification.from);
    throw error;
  }

  /** Another shard's request for a node this one owns (shards/shard-peers.ts). */
  askOwned(node: string, message: PeerNodeMessage): Promise<NodeReply> {
    return this.ask(node, message);
  }

  /** register-push-apns / -fcm (command-handler.ts). */
  async register(owner: string, registration: DeviceRegistration): Promise<{ node: string; secret: string }> {
    const node = registrationNodeName(await this.nodeNameKey(), owner, registration.deviceKey);
    const asked = this.inArrivalOrder(node, () =>
      andThen(this.refuseBeyondNodeCap(owner, node), () => ({ reply: this.ask(node, { kind: 'register', owner, device: registration.device, secret: newSecret() }) })),
    );
    const reply = unwrap(await asked, 'registered');
    return { node, secret: reply.secret };
  }

  /** unregister-push: only nodes the requester registered by command are removed. */
  async unregister(owner: string, which: Unregistration): Promise<number> {
    let candidates: string[];
    if ('node' in which) candidates = [checkNodeName(which.node)];
    else if ('deviceKey' in which) candidates = [registrationNodeName(await this.nodeNameKey(), owner, which.deviceKey)];
    else candidates = await this.nodes.nodesOf(owner);
    let removed = 0;
    for (const node of candidates) {
      if (!this.registry.has(node) && !(await this.nodes.get(node))) continue;
      if (unwrap(await this.ask(node, { kind: 'unregister', requester: owner }), 'unregistered').removed) removed++;
    }
    return removed;
  }

  /**
   * Refuses new requests, lets node operations in flight finish, then stops the node actors in
   * slices of `actors.stop_batch_size` (their state is already in the store).
   */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await Promise.allSettled([...this.inFlight]);
    await this.registry.stopAll();
  }

  /** A publish to a node another shard owns: that shard's `publishLocal`, counted as in flight here. */
  private publishElsewhere(publish: PushPublish): Promise<void> {
    return this.elsewhere(() => this.owners!.publish(publish));
  }

  /** Another shard's answer for one of its nodes, counted as in flight here. */
  private async elsewhere(ask: () => Promise<void>): Promise<void> {
    if (this.closed) throw shuttingDown();
    const pending = ask();
    this.inFlight.add(pending);
    try {
      await pending;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  /**
   * XEP-0357 §8 after a dead device: the publisher's publish-enabling affiliation ends and the
   * node owner's server is told, so that a server honouring the notice drops the registration
   * at once. Never throws: the publish is answered device-not-registered either way.
   */
  private async deviceGone(node: string, from: string): Promise<void> {
    try {
      const publisher = bareJid(from);
      const reply = unwrap(await this.ask(node, { kind: 'device-gone', publisher }), 'publisher-removed');
      if (reply.owner === undefined) return; // the node was deleted meanwhile
      // After the publish's error reply (routed in this turn's promise chain): the server sees
      // the IQ's answer first, as for any publish.
      const notice = affiliationNoneNotice(this.jid, reply.owner, node, publisher);
      setImmediate(() => this.route(notice));
    } catch (e) {
      this.log.warn('app_server.device_gone_not_handled', { node, reason: (e as Error)?.message });
    }
  }

  /** One key per store, made once (node-backend.ts); memoised so two first uses cannot race. */
  private nodeNameKey(): Promise<Buffer> {
    this.registrationKey ??= this.nodes.registrationKey().catch((e: unknown) => {
      this.registrationKey = undefined;
      throw e;
    });
    return this.registrationKey;
  }

  /**
   * Refuses a new node of an owner at `max_nodes_per_owner` before any actor is spawned for it,
   * so a flood of refused creates with fresh names holds no actor. The node actor checks again,
   * atomically with the write (node-store.ts `createCapped`); this is the cheap early answer.
   * A node that exists passes: its actor answers conflict, or updates a registered device.
   */
  private refuseBeyondNodeCap(owner: string, node: string): Awaitable<void> {
    if (this.registry.has(node)) return;
    if (!this.nodes.ownerIndexFits(owner, node)) throw ownerTooLong();
    const max = this.maxNodesPerOwner;
    // The count first: only an owner at the cap needs the second read (on PostgreSQL, a round trip).
    return andThen(this.nodes.countOf(owner, max), (count) => {
      if (count < max) return;
      return andThen(this.nodes.get(node), (stored) => {
        if (!stored) throw maxNodesExceeded(max);
      });
    });
  }


  /**
   * Requests on one node enter its actor's mailbox in the order they arrived, also when some
   * read the store first (does the node exist, is the owner at the cap): `enter` (the reads,
   * then the ask) starts once every earlier request on `node` has asked or was refused.
   */
  private inArrivalOrder(node: string, enter: () => Awaitable<Asked>): Promise<NodeReply> {
    let asked: Awaitable<Asked>;
    try {
      asked = this.arrivals.run(node, enter);
    } catch (e) {
      return Promise.reject(e);
    }
    return asked instanceof Promise ? asked.then((a) => a.reply) : asked.reply;
  }

  /**
   * Asks the node's actor, but answers item-not-found without spawning an actor when the node
   * exists neither in memory nor in the store: unknown node names cannot grow the registry.
   * A live actor is asked without a store read (the publish path); LMDB's read answers at once.
   */
  private askExisting(node: string, msg: NodeMessage): Promise<NodeReply> {
    return this.inArrivalOrder(node, () => {
      if (this.registry.has(node)) return { reply: this.ask(node, msg) };
      return andThen(this.nodes.get(node), (record) => ({ reply: record ? this.ask(node, msg) : Promise.reject(nodeNotFound(node)) }));
    });
  }

  /** A full node mailbox or a stopped engine becomes a `wait` error (outcome-errors.ts). */
  private async ask(node: string, msg: NodeMessage): Promise<NodeReply> {
    if (this.closed) throw shuttingDown();
    let pending: Promise<NodeReply> | undefined;
    try {
      pending = this.owners && !this.owners.owns(node) && msg.kind !== 'publish' && msg.kind !== 'push2' ? this.owners.ask(node, msg) : this.registry.ask(node, msg);
      this.inFlight.add(pending);
      return await pending;
    } catch (e) {
      throw toStanzaError(e);
    } finally {
      if (pending) this.inFlight.delete(pending);
    }
  }
}

/** Unwraps the expected reply; a refusal is thrown as the StanzaError it carries. */
function unwrap<K extends NodeReply['kind']>(reply: NodeReply, kind: K): Extract<NodeReply, { kind: K }> {
  if (reply.kind === 'refused') throw reply.error;
  if (reply.kind !== kind) throw new StanzaError('internal-server-error', 'wait', `unexpected ${reply.kind}`);
  return reply as Extract<NodeReply, { kind: K }>;
}

function shuttingDown(): StanzaError {
  return toStanzaError(new HeraldError('HERALD_SHUTTING_DOWN'));
}
