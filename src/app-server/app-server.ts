/**
 * The App Server role (XEP-0357 §3; MongooseIM's mod_pubsub `push` node type bridged to the push
 * service like mod_push_service_mongoosepush): a pubsub service whose `push` nodes turn each
 * notification publish into one PushNotification for the PushDispatcher.
 *
 * Two ways in: `handleIq` for stanzas (a remote XMPP server, clients managing their nodes or
 * running the registration commands), and `publishLocal` for the XMPP Server role in the same
 * engine (a PushPublish value, never serialised). Every refusal is a thrown StanzaError;
 * `handleIq` turns any throw into `<iq type='error'>`, unexpected ones into
 * internal-server-error, and never rejects. One way out besides the replies: the XEP-0357 §8
 * affiliation notice after a dead device, handed to `route`.
 */
import { randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { ActorRegistry, type ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import { mark, tagKey, tracing } from '../core/latency-trace.js';
import type { PushDispatcher } from '../push-service/notification.js';
import type { HeraldStore } from '../store/lmdb-store.js';
import { errorReply, headOf, iqPayload, resultReply } from '../xmpp/iq.js';
import { bareJid } from '../xmpp/jid.js';
import { NS } from '../xmpp/namespaces.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { badRequest, StanzaError, toStanzaError } from '../xmpp/stanza-error.js';
import { NS_COMMANDS } from './ad-hoc.js';
import { CommandHandler } from './command-handler.js';
import { CommandSessions } from './command-sessions.js';
import { commandInfo, commandItems, commandListInfo, noItems, nodeInfo, NS_DISCO_ITEMS, serviceInfo } from './disco.js';
import { nodeBehaviours, type NodeMessage, type NodeReply, type SendSettlement } from './node-actor.js';
import { configureReply, readConfigSubmission } from './node-config.js';
import {
  affiliationsReply,
  checkNodeName,
  instantNodeReply,
  parseAffiliationChanges,
  parseCreate,
  requireNodeName,
} from './node-requests.js';
import { ownerIndexFits, PushNodeStore, type PushNodeRecord } from './node-store.js';
import { outcomeError } from './outcome-errors.js';
import { parsePublishRequest } from './publish-request.js';
import { maxNodesExceeded, nodeIdRequired, nodeNotFound, ownerTooLong, unsupported, wrongIqType } from './pubsub-errors.js';
import {
  newSecret,
  REGISTRATION_COMMANDS,
  registrationNodeName,
  type DeviceRegistration,
  type Unregistration,
} from './registration-commands.js';
import { affiliationNoneNotice } from './remote-disable.js';
import { attr } from '../xmpp/attr.js';
import { silentLogger, type Logger } from '../core/log.js';

/** 96 random bits per instant node name (XEP-0060 §8.1.2): collisions are negligible. */
const INSTANT_NODE_ID_BYTES = 12;

/** XEP-0060 §5 feature names for the pubsub requests push nodes do not serve. */
const UNSUPPORTED_PUBSUB: Readonly<Record<string, string>> = {
  subscribe: 'subscribe',
  unsubscribe: 'subscribe',
  options: 'subscription-options',
  items: 'retrieve-items',
  retract: 'retract-items',
  subscriptions: 'retrieve-subscriptions',
  affiliations: 'retrieve-affiliations',
  default: 'retrieve-default',
};
const UNSUPPORTED_OWNER: Readonly<Record<string, string>> = {
  default: 'retrieve-default',
  purge: 'purge-nodes',
  subscriptions: 'manage-subscriptions',
};

export interface AppServerOptions {
  config: Pick<HeraldConfig, 'app_server' | 'actors'>;
  store: HeraldStore;
  /** One AppServerRole per runtime: its actors use the names `node-*`. */
  actors: ActorRuntime;
  dispatcher: PushDispatcher;
  /** Delivers a stanza the service sends on its own (the XEP-0357 §8 affiliation notice). */
  route?: (stanza: Element) => void;
  /**
   * Failures that answer no request: a node actor that failed unexpectedly (error
   * `app_server.node_crashed`, before it is rebuilt from the store), the follow-up of a dead device.
   */
  log?: Logger;
  /** Clock of rate limits, node creation times and command sessions (tests move it). */
  now?: () => number;
  /**
   * When push nodes are spread over shards (shards/): which nodes this role's actors serve, and
   * the way to the owner of the others. Absent: every node is served here.
   */
  owners?: NodeOwners;
}

/** The push nodes of other shards, reached through their owners (shards/shard-peers.ts). */
export interface NodeOwners {
  owns(node: string): boolean;
  /** The owner's node actor's reply; a refusal comes back as `refused` with its StanzaError. */
  ask(node: string, message: Exclude<NodeMessage, { kind: 'publish' }>): Promise<NodeReply>;
  /** The owner's `publishLocal`: resolves or throws its StanzaError. */
  publish(publish: PushPublish): Promise<void>;
}

export class AppServerRole {
  /** The pubsub service JID (config `app_server.jid`). */
  readonly jid: string;
  private readonly nodes: PushNodeStore;
  private readonly registry: ActorRegistry<NodeMessage, NodeReply>;
  private readonly commands: CommandHandler | undefined;
  private readonly route: (stanza: Element) => void;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly owners: NodeOwners | undefined;
  private readonly maxNodesPerOwner: number;
  private registrationKey: Promise<Buffer> | undefined;
  private closed = false;

  constructor(options: AppServerOptions) {
    const settings = options.config.app_server;
    this.jid = settings.jid;
    this.nodes = new PushNodeStore(options.store);
    this.maxNodesPerOwner = settings.max_nodes_per_owner;
    this.route = options.route ?? (() => {});
    this.owners = options.owners;
    this.log = options.log ?? silentLogger;
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
    if (settings.registration_commands) {
      const sessions = new CommandSessions(settings.command_session_timeout_ms, settings.max_command_sessions, options.now);
      this.commands = new CommandHandler(this.jid, { register: (o, r) => this.register(o, r), unregister: (o, w) => this.unregister(o, w) }, sessions);
    }
  }

  /**
   * Answers one IQ addressed to the service. Resolves with the result or error stanza; resolves
   * undefined for an IQ result/error (RFC 6120 §8.2.3: those are never answered). Never rejects.
   */
  handleIq(iq: Element): Promise<Element | undefined> {
    const type = attr(iq, 'type');
    if (type !== 'get' && type !== 'set') return Promise.resolve(undefined);
    // Not an async function: an awaiting frame would keep `iq` (a parameter) alive until the
    // answer; only the head is kept, so the parsed request dies young (see StanzaHead).
    const head = headOf(iq);
    const answer = (e: unknown): Element => errorReply(head, toStanzaError(e));
    try {
      if (this.closed) throw shuttingDown();
      return this.routeIq(iq, type).catch(answer);
    } catch (e) {
      return Promise.resolve(answer(e));
    }
  }

  /**
   * The notification publish of XEP-0357 §7 without XML. Resolves when the push service accepted
   * the notification; throws the StanzaError `handleIq` would answer otherwise. A dead device
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
    if (!settled.outcome.ok && settled.outcome.reason === 'unregistered') await this.deviceGone(publish);
    throw error;
  }

  /** A publish to a node another shard owns: that shard's `publishLocal`, counted as in flight here. */
  private async publishElsewhere(publish: PushPublish): Promise<void> {
    if (this.closed) throw shuttingDown();
    const pending = this.owners!.publish(publish);
    this.inFlight.add(pending);
    try {
      await pending;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  /** Another shard's request for a node this one owns (shards/shard-peers.ts). */
  askOwned(node: string, message: Exclude<NodeMessage, { kind: 'publish' }>): Promise<NodeReply> {
    return this.ask(node, message);
  }

  /** Node actors alive right now (diagnostics; idle ones are passivated). */
  get liveNodeActors(): number {
    return this.registry.size;
  }

  /** The stored node (diagnostics); undefined when it does not exist. */
  node(name: string): PushNodeRecord | undefined {
    return this.nodes.get(name);
  }

  /**
   * Refuses new requests, lets node operations in flight finish, then stops the node actors in
   * slices of `actors.stop_batch_size` (their state is already in LMDB).
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.registry.stopAll();
  }

  private async routeIq(iq: Element, type: 'get' | 'set'): Promise<Element> {
    const payload = iqPayload(iq);
    const ns = payload.getNS();
    if (ns === NS.DISCO_INFO) {
      if (type !== 'get') throw wrongIqType('get', 'disco#info');
      return resultReply(iq, this.discoInfo(payload));
    }
    if (ns === NS_DISCO_ITEMS) {
      if (type !== 'get') throw wrongIqType('get', 'disco#items');
      return resultReply(iq, this.discoItems(payload));
    }
    if (ns === NS_COMMANDS && this.commands) {
      if (type !== 'set') throw wrongIqType('set', 'a command');
      return this.commands.handle(iq, payload);
    }
    if (ns !== NS.PUBSUB && ns !== NS.PUBSUB_OWNER) {
      // RFC 6120 §8.4: a namespace the entity does not understand.
      throw new StanzaError('service-unavailable', 'cancel');
    }
    const op = payload.getChildElements()[0];
    if (!op) throw badRequest('an empty <pubsub/> request');
    if (ns === NS.PUBSUB) return this.pubsubRequest(iq, type, payload, op);
    return this.ownerRequest(iq, type, op);
  }

  private discoInfo(query: Element): Element {
    const node = attr(query, 'node');
    if (node === undefined) return serviceInfo(this.commands !== undefined);
    if (this.commands) {
      if (node === NS_COMMANDS) return commandListInfo();
      const command = REGISTRATION_COMMANDS.find((c) => c.node === node);
      if (command) return commandInfo(command.node, command.name);
    }
    if (!this.nodes.get(node)) throw nodeNotFound(node);
    return nodeInfo(node);
  }

  private discoItems(query: Element): Element {
    const node = attr(query, 'node');
    if (node === undefined) return noItems();
    if (node === NS_COMMANDS && this.commands) return commandItems(this.jid, REGISTRATION_COMMANDS);
    if (!this.nodes.get(node)) throw nodeNotFound(node);
    return noItems(node);
  }

  private async pubsubRequest(iq: Element, type: string, pubsub: Element, op: Element): Promise<Element> {
    if (op.name === 'create') {
      if (type !== 'set') throw wrongIqType('set', 'create');
      const owner = requester(iq);
      const { node, config } = parseCreate(op, pubsub);
      if (node !== undefined) {
        this.refuseBeyondNodeCap(owner, node);
        unwrap(await this.ask(node, { kind: 'create', owner, config }), 'done');
        return resultReply(iq);
      }
      const instant = randomBytes(INSTANT_NODE_ID_BYTES).toString('base64url');
      this.refuseBeyondNodeCap(owner, instant);
      unwrap(await this.ask(instant, { kind: 'create', owner, config }), 'done');
      return resultReply(iq, instantNodeReply(instant));
    }
    if (op.name === 'publish') {
      // parsePublishRequest checks the IQ type and the whole <pubsub/> (publish-options included).
      const head = headOf(iq);
      const publish = parsePublishRequest(iq, this.jid);
      if (tracing) {
        tagKey(publish, head.attrs.id);
        mark('shard.parsed', head.attrs.id);
      }
      // Returned, not awaited here: this frame (and `iq`) ends now, the wait holds only `head`.
      return this.publishLocal(publish).then(() => resultReply(head));
    }
    throw unsupported(UNSUPPORTED_PUBSUB[op.name] ?? op.name, `push nodes do not support <${op.name}/>`);
  }

  private async ownerRequest(iq: Element, type: string, op: Element): Promise<Element> {
    if (op.name === 'delete') {
      if (type !== 'set') throw wrongIqType('set', 'delete');
      const node = requireNodeName(op);
      unwrap(await this.askExisting(node, { kind: 'delete', requester: requester(iq) }), 'done');
      return resultReply(iq);
    }
    if (op.name === 'affiliations') {
      const node = requireNodeName(op);
      if (type === 'get') {
        const reply = unwrap(await this.askExisting(node, { kind: 'get-affiliations', requester: requester(iq) }), 'affiliations');
        return resultReply(iq, affiliationsReply(node, reply.affiliations));
      }
      const changes = parseAffiliationChanges(op);
      unwrap(await this.askExisting(node, { kind: 'set-affiliations', requester: requester(iq), changes }), 'done');
      return resultReply(iq);
    }
    if (op.name === 'configure') {
      // XEP-0060 §8.2: get → the form; set → the submitted form applied (cancel: nothing changes).
      const node = requireNodeName(op);
      if (type === 'get') {
        const reply = unwrap(await this.askExisting(node, { kind: 'get-config', requester: requester(iq) }), 'config');
        return resultReply(iq, configureReply(node, reply.record));
      }
      const submitted = readConfigSubmission(op);
      const change = submitted === 'cancel' ? {} : submitted;
      unwrap(await this.askExisting(node, { kind: 'set-config', requester: requester(iq), change }), 'done');
      return resultReply(iq);
    }
    throw unsupported(UNSUPPORTED_OWNER[op.name] ?? op.name, `push nodes do not support <${op.name}/>`);
  }

  /**
   * XEP-0357 §8 after a dead device: the publisher's publish-enabling affiliation ends and the
   * node owner's server is told, so that a server honouring the notice drops the registration
   * at once. Never throws: the publish is answered device-not-registered either way.
   */
  private async deviceGone(publish: PushPublish): Promise<void> {
    try {
      const publisher = bareJid(publish.from);
      const reply = unwrap(await this.ask(publish.node, { kind: 'device-gone', publisher }), 'publisher-removed');
      if (reply.owner === undefined) return; // the node was deleted meanwhile
      // After the publish's error reply (routed in this turn's promise chain): the server sees
      // the IQ's answer first, as for any publish.
      const notice = affiliationNoneNotice(this.jid, reply.owner, publish.node, publisher);
      setImmediate(() => this.route(notice));
    } catch (e) {
      this.log.warn('app_server.device_gone_not_handled', { node: publish.node, reason: (e as Error)?.message });
    }
  }

  /** register-push-apns / -fcm (command-handler.ts). */
  private async register(owner: string, registration: DeviceRegistration): Promise<{ node: string; secret: string }> {
    const node = registrationNodeName(await this.nodeNameKey(), owner, registration.deviceKey);
    this.refuseBeyondNodeCap(owner, node);
    const reply = unwrap(await this.ask(node, { kind: 'register', owner, device: registration.device, secret: newSecret() }), 'registered');
    return { node, secret: reply.secret };
  }

  /** unregister-push: only nodes the requester registered by command are removed. */
  private async unregister(owner: string, which: Unregistration): Promise<number> {
    let candidates: string[];
    if ('node' in which) candidates = [checkNodeName(which.node)];
    else if ('deviceKey' in which) candidates = [registrationNodeName(await this.nodeNameKey(), owner, which.deviceKey)];
    else candidates = this.nodes.nodesOf(owner);
    let removed = 0;
    for (const node of candidates) {
      if (!this.registry.has(node) && !this.nodes.get(node)) continue;
      if (unwrap(await this.ask(node, { kind: 'unregister', requester: owner }), 'unregistered').removed) removed++;
    }
    return removed;
  }

  /** One key per store, made once (node-store.ts); memoised so two first uses cannot race. */
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
  private refuseBeyondNodeCap(owner: string, node: string): void {
    if (this.registry.has(node) || this.nodes.get(node)) return;
    if (!ownerIndexFits(owner, node)) throw ownerTooLong();
    const max = this.maxNodesPerOwner;
    if (this.nodes.countOf(owner, max) >= max) throw maxNodesExceeded(max);
  }

  /**
   * Asks the node's actor, but answers item-not-found without spawning an actor when the node
   * exists neither in memory nor in the store: unknown node names cannot grow the registry.
   */
  private askExisting(node: string, msg: NodeMessage): Promise<NodeReply> {
    if (!this.registry.has(node) && !this.nodes.get(node)) return Promise.reject(nodeNotFound(node));
    return this.ask(node, msg);
  }

  /** A full node mailbox or a stopped engine becomes a `wait` error (outcome-errors.ts). */
  private async ask(node: string, msg: NodeMessage): Promise<NodeReply> {
    if (this.closed) throw shuttingDown();
    let pending: Promise<NodeReply> | undefined;
    try {
      pending = this.owners && !this.owners.owns(node) && msg.kind !== 'publish' ? this.owners.ask(node, msg) : this.registry.ask(node, msg);
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

/** The requesting entity as a bare JID; RFC 6120 §8.1.2.1 has the server stamp `from`. */
function requester(iq: Element): string {
  const from = attr(iq, 'from');
  if (!from) throw badRequest('the request says nothing about who sends it (no from)');
  return bareJid(from);
}

function shuttingDown(): StanzaError {
  return toStanzaError(new HeraldError('HERALD_SHUTTING_DOWN'));
}
