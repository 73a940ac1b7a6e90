/**
 * The App Server role (XEP-0357 §3; MongooseIM's mod_pubsub `push` node type bridged to the push
 * service like mod_push_service_mongoosepush): a pubsub service whose `push` nodes turn each
 * notification publish into one PushNotification for the PushDispatcher.
 *
 * This file routes the IQs addressed to the service and answers service discovery; the nodes
 * themselves (lifecycle, publish) are the node service's (node-service.ts). Two ways in:
 * `handleIq` for stanzas (a remote XMPP server, clients managing their nodes or running the
 * registration commands), and `publishLocal` for the XMPP Server role in the same engine (a
 * PushPublish value, never serialised). Push 2.0 the same two ways: `handleMessage` for a
 * `<notification xmlns='urn:xmpp:push2:0'>` message, `deliverPush2` for the value. Every refusal is a thrown StanzaError; `handleIq` turns
 * any throw into `<iq type='error'>`, unexpected ones into internal-server-error, and never
 * rejects. One way out besides the replies: the XEP-0357 §8 affiliation notice after a dead
 * device, handed to `route`.
 */
import type { Element } from '@xmpp/xml';
import type { ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { mark, tagKey, tracing } from '../core/latency-trace.js';
import type { PushDispatcher } from '../push-service/notification.js';
import type { ChangeFeed } from '../store/change-feed.js';
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
import type { PeerNodeMessage, NodeReply } from './node-actor.js';
import { configureReply, readConfigSubmission } from './node-config.js';
import { affiliationsReply, instantNodeReply, parseAffiliationChanges, parseCreate, requireNodeName } from './node-requests.js';
import type { NodeBackend } from './node-backend.js';
import { PushNodeService, type NodeOwners } from './node-service.js';
import { PushNodeStore } from './node-store.js';
import type { PushNodeRecord } from './node-record.js';
import { parsePublishRequest } from './publish-request.js';
import { nodeNotFound, unsupported, wrongIqType } from './pubsub-errors.js';
import { REGISTRATION_COMMANDS } from './registration-commands.js';
import { attr } from '../xmpp/attr.js';
import { push2NotificationOf, readPush2Notification } from '../xmpp/push2/notification-reader.js';
import type { Push2Notification } from '../xmpp/push2/push2-types.js';
import { silentLogger, type Logger } from '../core/log.js';

export type { NodeOwners } from './node-service.js';

/**
 * Where the push nodes are kept: a NodeBackend (e.g. PostgresNodes, shared by several instances,
 * with their `changes`), or by default a PushNodeStore on the LMDB `store`.
 */
export type NodeStorage =
  | { store: HeraldStore; nodes?: NodeBackend; changes?: ChangeFeed }
  | { store?: undefined; nodes: NodeBackend; changes?: ChangeFeed };

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

export type AppServerOptions = NodeStorage & {
  config: Pick<HeraldConfig, 'app_server' | 'actors'>;
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
};

export class AppServerRole {
  /** The pubsub service JID (config `app_server.jid`). */
  readonly jid: string;
  private readonly nodes: PushNodeService;
  private readonly commands: CommandHandler | undefined;

  constructor(options: AppServerOptions) {
    const settings = options.config.app_server;
    this.jid = settings.jid;
    this.nodes = new PushNodeService({
      nodes: options.nodes ?? new PushNodeStore(options.store!),
      changes: options.changes,
      jid: this.jid,
      config: options.config,
      actors: options.actors,
      dispatcher: options.dispatcher,
      route: options.route ?? (() => {}),
      log: options.log ?? silentLogger,
      now: options.now,
      owners: options.owners,
    });
    if (settings.registration_commands) {
      const sessions = new CommandSessions(settings.command_session_timeout_ms, settings.max_command_sessions, options.now);
      this.commands = new CommandHandler(this.jid, { register: (o, r) => this.nodes.register(o, r), unregister: (o, w) => this.nodes.unregister(o, w) }, sessions);
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
      this.nodes.refuseWhenClosed();
      return this.routeIq(iq, type).catch(answer);
    } catch (e) {
      return Promise.resolve(answer(e));
    }
  }

  /** The notification publish of XEP-0357 §7 without XML (node-service.ts). */
  publishLocal(publish: PushPublish): Promise<void> {
    return this.nodes.publishLocal(publish);
  }

  /**
   * A `<message/>` addressed to the service: a Push 2.0 notification (`urn:xmpp:push2:0`) from a
   * user's server. Resolves with the `<message type='error'>` to send back (RFC 6120 §8.3, same
   * id), or undefined when it was delivered (a message has no result) or was an error itself
   * (§8.3.1: never answered). Never rejects: whatever the sender wrote becomes an answer.
   */
  handleMessage(message: Element): Promise<Element | undefined> {
    if (attr(message, 'type') === 'error') return Promise.resolve(undefined);
    const head = headOf(message);
    const answer = (e: unknown): Element => errorReply(head, toStanzaError(e));
    try {
      this.nodes.refuseWhenClosed();
      // Any other message (a chat line sent to the service's JID) is dropped unanswered, as before
      // Push 2.0: an error reply per message would make this JID a reflector for floods.
      if (!push2NotificationOf(message)) return Promise.resolve(undefined);
      return this.nodes.deliverPush2(readPush2Notification(message)).then(() => undefined, answer);
    } catch (e) {
      return Promise.resolve(answer(e));
    }
  }

  /**
   * Push 2.0 without XML, for the XMPP Server role in the same engine: delivers the notification
   * to the device its `<client/>` names (node-service.ts `deliverPush2`). Resolves when the push
   * service accepted it; throws the StanzaError a `<message type='error'>` would carry.
   */
  deliverPush2(notification: Push2Notification): Promise<void> {
    return this.nodes.deliverPush2(notification);
  }

  /** Another shard's request for a node this one owns (shards/shard-peers.ts). */
  askOwned(node: string, message: PeerNodeMessage): Promise<NodeReply> {
    return this.nodes.askOwned(node, message);
  }

  /** Node actors alive right now (diagnostics; idle ones are passivated). */
  get liveNodeActors(): number {
    return this.nodes.liveNodeActors;
  }

  /** The stored node (diagnostics); undefined when it does not exist. */
  node(name: string): Promise<PushNodeRecord | undefined> {
    return this.nodes.node(name);
  }

  /** Refuses new requests, lets node operations in flight finish, then stops the node actors. */
  close(): Promise<void> {
    return this.nodes.close();
  }

  private async routeIq(iq: Element, type: 'get' | 'set'): Promise<Element> {
    const payload = iqPayload(iq);
    const ns = payload.getNS();
    if (ns === NS.DISCO_INFO) {
      if (type !== 'get') throw wrongIqType('get', 'disco#info');
      return resultReply(iq, await this.discoInfo(payload));
    }
    if (ns === NS_DISCO_ITEMS) {
      if (type !== 'get') throw wrongIqType('get', 'disco#items');
      return resultReply(iq, await this.discoItems(payload));
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

  private async discoInfo(query: Element): Promise<Element> {
    const node = attr(query, 'node');
    if (node === undefined) return serviceInfo(this.commands !== undefined);
    if (this.commands) {
      if (node === NS_COMMANDS) return commandListInfo();
      const command = REGISTRATION_COMMANDS.find((c) => c.node === node);
      if (command) return commandInfo(command.node, command.name);
    }
    if (!(await this.nodes.exists(node))) throw nodeNotFound(node);
    return nodeInfo(node);
  }

  private async discoItems(query: Element): Promise<Element> {
    const node = attr(query, 'node');
    if (node === undefined) return noItems();
    if (node === NS_COMMANDS && this.commands) return commandItems(this.jid, REGISTRATION_COMMANDS);
    if (!(await this.nodes.exists(node))) throw nodeNotFound(node);
    return noItems(node);
  }

  private async pubsubRequest(iq: Element, type: string, pubsub: Element, op: Element): Promise<Element> {
    if (op.name === 'create') {
      if (type !== 'set') throw wrongIqType('set', 'create');
      const owner = requester(iq);
      const { node, config } = parseCreate(op, pubsub);
      const created = await this.nodes.create(owner, node, config);
      // XEP-0060 §8.1.2: an instant node's name is in the result; a named node's is not.
      return node === undefined ? resultReply(iq, instantNodeReply(created)) : resultReply(iq);
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
      return this.nodes.publishLocal(publish).then(() => resultReply(head));
    }
    throw unsupported(UNSUPPORTED_PUBSUB[op.name] ?? op.name, `push nodes do not support <${op.name}/>`);
  }

  private async ownerRequest(iq: Element, type: string, op: Element): Promise<Element> {
    if (op.name === 'delete') {
      if (type !== 'set') throw wrongIqType('set', 'delete');
      await this.nodes.delete(requireNodeName(op), requester(iq));
      return resultReply(iq);
    }
    if (op.name === 'affiliations') {
      const node = requireNodeName(op);
      if (type === 'get') return resultReply(iq, affiliationsReply(node, await this.nodes.affiliations(node, requester(iq))));
      const changes = parseAffiliationChanges(op);
      await this.nodes.setAffiliations(node, requester(iq), changes);
      return resultReply(iq);
    }
    if (op.name === 'configure') {
      // XEP-0060 §8.2: get → the form; set → the submitted form applied (cancel: nothing changes).
      const node = requireNodeName(op);
      if (type === 'get') return resultReply(iq, configureReply(node, await this.nodes.configuration(node, requester(iq))));
      const submitted = readConfigSubmission(op);
      await this.nodes.configure(node, requester(iq), submitted === 'cancel' ? {} : submitted);
      return resultReply(iq);
    }
    throw unsupported(UNSUPPORTED_OWNER[op.name] ?? op.name, `push nodes do not support <${op.name}/>`);
  }
}

/** The requesting entity as a bare JID; RFC 6120 §8.1.2.1 has the server stamp `from`. */
function requester(iq: Element): string {
  const from = attr(iq, 'from');
  if (!from) throw badRequest('the request says nothing about who sends it (no from)');
  return bareJid(from);
}
