/**
 * Herald as a library: the push engine of a host XMPP server.
 *
 * The host hands Herald (1) the stanzas addressed to Herald's parts — a client's `<enable/>` /
 * `<disable/>`, IQs to the pubsub push service, Push 2.0 notifications (messages to it), answers
 * to Herald's own publishes — through
 * `handleStanza`; (2) every message it delivers to a local user through `messageToUser`; and
 * (3) session events. Herald hands back, through `host.route`, every stanza it wants delivered:
 * IQ replies and publishes to remote App Servers.
 *
 * Inside, the three roles of XEP-0357 are wired together: XMPP Server → (in-process value, or a
 * stanza for a remote App Server) → App Server → Push Service → APNS over HTTP/2.
 *
 * The process belongs to the host: Herald installs no 'uncaughtException' or
 * 'unhandledRejection' handler and never exits it (`herald start` does, core/process-failures.ts).
 * Failures of its own parts it recovers from itself (sender threads are restarted, connections
 * reconnect) and reports through the logger, /healthcheck and /metrics.
 */
import type { Element } from '@xmpp/xml';
import { AppServerRole } from '../app-server/index.js';
import type { NodeOwners } from '../app-server/app-server.js';
import { foldRepeats, type FoldingLogger } from '../core/aggregated-log.js';
import { idempotencyLeaseMs, type HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { EngineFigures } from '../push-service/ops/engine-figures.js';
import { poolFigures, poolsOpsSource } from '../push-service/ops/ops-source.js';
import type { ComponentLeadershipFigures } from '../push-service/ops/component-link-metrics.js';
import { startRemotePush, type RemotePushDispatcher } from '../remote-push/index.js';
import type { PushPools } from '../push-service/pools/push-pools.js';
import { startPushPools, type SharedPushParts } from './push-wiring.js';
import { RELEASE_ID } from './release-id.js';
import { startRestServer, type RestServer } from '../rest/server.js';
import { restStartupWarnings } from '../rest/startup-warnings.js';
import type { HeraldStore, StoreUsage } from '../store/lmdb-store.js';
import { accountDiscoInfoReply, isAccountDiscoInfo, StanzaPublisher, XmppServerRole, type MessageContext } from '../xmpp-server/index.js';
import { checkElementLimits } from '../xmpp/element-limits.js';
import { errorReply, headOf } from '../xmpp/iq.js';
import { IqTracker } from '../xmpp/iq-tracker.js';
import { parseStanza } from '../xmpp/parse.js';
import { StanzaError } from '../xmpp/stanza-error.js';
import { overLimitReply, StanzaOverLimit, stanzaLimitsOf, type StanzaLimits } from '../xmpp/stanza-limits.js';
import { PublisherRouter } from './publisher-router.js';
import { Push2Router } from './push2-router.js';
import { MessageErrorWatch } from '../xmpp/message-error-watch.js';
import { StanzaPush2Sender } from '../xmpp-server/push2/stanza-push2-sender.js';
import { openRoleStores } from './role-stores.js';
import { StartedParts, startGround } from './started-parts.js';
import { attr } from '../xmpp/attr.js';
import type { HeraldPlugin } from '../plugins/plugin.js';
import { startPlugins } from './plugin-wiring.js';
import type { PluginChain } from '../plugins/plugin-chain.js';

/**
 * ms over which IQs refused for a stanza limit are folded into one log line: a host's users can
 * send them at will, and one line a minute with the count tells the operator as much.
 */
const OVER_LIMIT_LOG_INTERVAL_MS = 60_000;


export interface HeraldHost {
  /** Delivers a stanza Herald produced (IQ replies, publishes to remote App Servers). */
  route(stanza: Element): void;
  /**
   * The same as text, if the host can write it as it is: a ShardedHerald's stanzas are built on
   * its shards and arrive as text, which then need not be parsed again on the main thread.
   */
  routeText?(text: string): void;
  /**
   * Whether this instance holds the component link, and how many stanzas it dropped for want of
   * one, for a host that joins only while it leads (component.instances = "one_holds_the_link"):
   * /metrics shows them as herald_component_link_held and herald_component_standby_dropped_total.
   */
  componentLeadership?(): ComponentLeadershipFigures;
}

export interface HeraldOptions {
  config: HeraldConfig;
  host?: HeraldHost;
  logger?: Logger;
  /**
   * Plugin objects, called after those `plugins.modules` names (src/plugins/plugin.ts). Only
   * for an engine on one thread: a ShardedHerald refuses them (an object cannot reach its shard
   * workers; name the module in `plugins.modules` instead).
   */
  plugins?: readonly HeraldPlugin[];
  /** Set when this Herald is one shard of a ShardedHerald (shards/shard-worker.ts); not for embedders. */
  shard?: ShardContext;
}

/** What a shard's Herald shares with the other shards of its process. */
export interface ShardContext {
  /** Prefix of the ids of its outgoing IQs, naming the shard their answers go back to. */
  idPrefix: string;
  /** The main thread's APNS tokens (relayed: Apple counts token updates per key). */
  push: SharedPushParts;
  /** The push nodes of the other shards; serves theirs requests for this shard's nodes. */
  owners: NodeOwners & { serve(appServer: AppServerRole): void };
}

const RESOLVED: Promise<void> = Promise.resolve();

/** The running parts of one engine, as `Herald.start` made them. */
interface EngineParts {
  config: HeraldConfig;
  host: HeraldHost;
  log: Logger;
  store: HeraldStore | undefined;
  tracker: IqTracker;
  push2Watch: MessageErrorWatch;
  xmppServer: XmppServerRole;
  appServer: AppServerRole;
  pushService: PushPools;
  rest: RestServer | undefined;
  remotePush: RemotePushDispatcher | undefined;
  plugins: PluginChain | undefined;
  /** Every part above that must be stopped, in start order (started-parts.ts). */
  started: StartedParts;
}

/**
 * The push engine: the three roles of XEP-0357 on the calling thread. (The public name stays
 * `Herald`, as embedders know it; the file is named for what it is.)
 */
export class Herald {
  private closed = false;
  private readonly limits: StanzaLimits;
  private readonly overLimit: FoldingLogger;
  readonly config: HeraldConfig;
  private readonly host: HeraldHost;
  private readonly log: Logger;
  private readonly store: HeraldStore | undefined;
  private readonly tracker: IqTracker;
  private readonly push2Watch: MessageErrorWatch;
  readonly xmppServer: XmppServerRole;
  readonly appServer: AppServerRole;
  /** Every APNS and FCM pool; `send` picks the pool by service, mode and tags. */
  readonly pushService: PushPools;
  /** The MongoosePush-compatible REST API, when `rest.enabled`. */
  readonly rest: RestServer | undefined;
  /** The App Server's bridge to a remote push service, when `remote_push.enabled`. */
  readonly remotePush: RemotePushDispatcher | undefined;
  private readonly plugins: PluginChain | undefined;
  private readonly started: StartedParts;

  private constructor(parts: EngineParts) {
    ({
      config: this.config,
      host: this.host,
      log: this.log,
      store: this.store,
      tracker: this.tracker,
      push2Watch: this.push2Watch,
      xmppServer: this.xmppServer,
      appServer: this.appServer,
      pushService: this.pushService,
      rest: this.rest,
      remotePush: this.remotePush,
      plugins: this.plugins,
      started: this.started,
    } = parts);
    this.limits = stanzaLimitsOf(this.config.xmpp);
    this.overLimit = foldRepeats(this.log, OVER_LIMIT_LOG_INTERVAL_MS);
  }

  static async start(options: HeraldOptions): Promise<Herald> {
    const { config } = options;
    const host = options.host ?? { route: () => {} };
    // Each part is recorded as it starts: close() and a failed start stop them in reverse.
    const started = new StartedParts();
    try {
      const { log, store, actors } = startGround(config, options.logger, started);
      // First: a plugin that cannot be loaded fails the start before anything connects.
      const plugins = await startPlugins(config, options.plugins, log, started);
      const { registrations, nodes, changes, providerTokens, idempotency } = await openRoleStores(config, store, log, started);
      // After the stores: with PostgreSQL the pools' APNS tokens are the instances' shared ones.
      const pushService = await startPushPools(config, actors, log, { ...options.shard?.push, tokenStore: providerTokens });
      started.add(() => pushService.close());
      // [remote_push]: the App Server hands notifications over HTTP instead of to the local pools.
      const remotePush = config.remote_push.enabled ? startRemotePush(config.remote_push, log) : undefined;
      if (remotePush) started.add(() => remotePush.close());
      const appServer = new AppServerRole({
        config,
        nodes,
        changes,
        actors,
        dispatcher: remotePush ?? pushService,
        // XEP-0357 §8 affiliation notices after a dead device go to the user's server via the host.
        route: (stanza) => host.route(stanza),
        log,
        owners: options.shard?.owners,
      });
      started.add(() => appServer.close());
      options.shard?.owners.serve(appServer);
      const tracker = new IqTracker({
        timeoutMs: config.xmpp_server.publish_timeout_ms,
        maxOutstanding: config.xmpp_server.max_pending_publishes,
        idPrefix: options.shard?.idPrefix,
      });
      started.add(() => tracker.close());
      const remote = new StanzaPublisher(tracker, (stanza) => host.route(stanza));
      // Push 2.0 notifications to remote push services: their error replies, matched for a while.
      const push2Watch = new MessageErrorWatch({
        windowMs: config.xmpp_server.push2.answer_window_ms,
        maxOutstanding: config.xmpp_server.max_pending_publishes,
        idPrefix: options.shard && `${options.shard.idPrefix}m`,
      });
      started.add(() => push2Watch.close());
      const xmppServer = new XmppServerRole({
        config,
        store,
        registrations,
        changes,
        actors,
        publisher: new PublisherRouter(appServer, remote),
        log,
        plugins,
        push2Sender: new Push2Router(appServer, new StanzaPush2Sender(push2Watch, (stanza) => host.route(stanza))),
      });
      started.add(() => xmppServer.close());
      const rest = config.rest.enabled
        ? await startRestServer({
            config: config.rest,
            dispatcher: pushService,
            log,
            idempotency: idempotency && { store: idempotency, leaseMs: idempotencyLeaseMs(config) },
            ops: poolsOpsSource(
              pushService.pools,
              RELEASE_ID,
              store && (() => store.usage()),
              () => ({ users: xmppServer.liveUsers, nodes: appServer.liveNodeActors }),
              () => host.componentLeadership?.(),
              plugins && (() => plugins.failureCounts()),
            ),
          })
        : undefined;
      if (rest) started.add(() => rest.close());
      if (rest) for (const warning of restStartupWarnings(config.rest)) log.warn('rest.unprotected', { warning });
      return new Herald({ config, host, log, store, tracker, push2Watch, xmppServer, appServer, pushService, rest, remotePush, plugins, started });
    } catch (e) {
      await started.stopAll();
      throw e;
    }
  }

  /**
   * Handles one stanza addressed to Herald (text or parsed). IQ get/set always produce exactly
   * one reply through `host.route` (RFC 6120 §8.2.3), also when over a limit: an IQ get/set over
   * `xmpp.max_stanza_bytes` or `xmpp.max_stanza_depth` (text, or an Element built by the host)
   * is answered modify/policy-violation. Otherwise this rejects with
   * - HERALD_STANZA_TOO_LARGE / HERALD_STANZA_TOO_DEEP: another stanza over a limit, or an IQ
   *   whose start tag alone is over the size limit (nothing to answer);
   * - HERALD_XML_MALFORMED: text that is not well-formed XML or that RFC 6120 §11 restricts. No
   *   reply is attempted even when an IQ's start tag could be read: the host's stream is broken.
   * `streamErrorCondition()` (component/stream-errors.ts) gives the stream error a host closes
   * its stream with for these (RFC 6120 §4.9.3).
   */
  handleStanza(input: Element | string): Promise<void> {
    // Not async: an async function returning the answer's promise adds a thenable job and a
    // promise per stanza. Every throw below still becomes a rejection.
    try {
      const stanza = this.readStanza(input);
      return (stanza && this.act(stanza)) ?? RESOLVED;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The first half of `handleStanza`: the stanza read (text parsed, an Element checked) under the
   * [xmpp] limits. Undefined when it was over a limit and so answered (an IQ get/set) already;
   * throws as `handleStanza` rejects. A shard reads each stanza of a stream as it arrives but
   * acts on it (`handleRead`) only once every earlier stanza of that stream was read without a
   * stream error (shards/held-stanzas.ts).
   */
  readStanza(input: Element | string): Element | undefined {
    if (this.closed) throw new HeraldError('HERALD_SHUTTING_DOWN');
    try {
      return this.read(input);
    } catch (e) {
      const reply = e instanceof StanzaOverLimit ? overLimitReply(e) : undefined;
      if (!reply) throw e;
      const { code, head } = e as StanzaOverLimit;
      this.overLimit.warn('xmpp.stanza_refused', { code, name: head?.name, type: head?.attrs.type, from: head?.attrs.from });
      this.host.route(reply);
      return undefined;
    }
  }

  /** The second half of `handleStanza`: acts on a stanza `readStanza` returned. */
  handleRead(stanza: Element): Promise<void> {
    try {
      return this.act(stanza) ?? RESOLVED;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Acts on a read stanza: the answer's promise for an IQ request, undefined when done at once. */
  private act(stanza: Element): Promise<void> | undefined {
    if (this.closed) throw new HeraldError('HERALD_SHUTTING_DOWN');
    if (stanza.name === 'message') {
      // A push service's error reply to one of our Push 2.0 notifications.
      if (attr(stanza, 'type') === 'error' && this.push2Watch.handleError(stanza)) return undefined;
      // Push 2.0: a notification from a user's server to the App Server; handleMessage never rejects.
      if (attr(stanza, 'to')?.toLowerCase() === this.appServer.jid) return this.appServer.handleMessage(stanza).then(this.routeReply);
      this.deliverMessage(stanza);
      return undefined;
    }
    if (stanza.name !== 'iq') return undefined; // presence: sessions are reported by explicit events
    const type = attr(stanza, 'type');
    if (type === 'result' || type === 'error') {
      this.tracker.handleResponse(stanza);
      return undefined;
    }
    if (type !== 'get' && type !== 'set') {
      // RFC 6120 §8.2.3: an IQ's type is get, set, result or error; a request of any other (or
      // no) type is malformed, and a requester waiting on it still gets an answer (§8.3.3.1).
      this.host.route(errorReply(headOf(stanza), new StanzaError('bad-request', 'modify', 'an IQ type is get, set, result or error')));
      return undefined;
    }
    return this.answerIq(stanza);
  }

  /**
   * A message the host delivers to a local user; pushed when the user has no available session.
   * Throws as `handleStanza` rejects (a message has no answer).
   */
  messageToUser(message: Element | string, context?: MessageContext): void {
    this.deliverMessage(this.read(message), context);
  }

  private deliverMessage(stanza: Element, context?: MessageContext): void {
    this.xmppServer.onMessage(stanza, context);
  }

  /** Text parsed, or a host's Element checked, under the [xmpp] limits. */
  private read(input: Element | string): Element {
    if (typeof input === 'string') return parseStanza(input, this.limits);
    checkElementLimits(input, this.limits);
    return input;
  }

  sessionAvailable(fullJid: string): void {
    this.xmppServer.sessionAvailable(fullJid);
  }

  /** XEP-0198: the session's stream is gone but may be resumed; messages to it are pushed. */
  sessionHibernated(fullJid: string): void {
    this.xmppServer.sessionHibernated(fullJid);
  }

  sessionUnavailable(fullJid: string): void {
    this.xmppServer.sessionUnavailable(fullJid);
  }

  /**
   * The session did what its user does: sent a message with a body or a chat state. Push 2.0
   * matches with `<grace/>` do not push for that many seconds after it on the user's other sessions.
   */
  sessionActivity(fullJid: string): void {
    this.xmppServer.sessionActivity(fullJid);
  }

  /** Its pools' stats and live actors now: what /healthcheck and /metrics read (a shard's cross to the main thread). */
  figures(): EngineFigures {
    const figures: EngineFigures = { pools: poolFigures(this.pushService.pools), actors: { users: this.xmppServer.liveUsers, nodes: this.appServer.liveNodeActors } };
    if (this.plugins) figures.plugins = this.plugins.failureCounts();
    return figures;
  }

  /**
   * LMDB's use against `store.max_size_mib`; `full` while new registrations and nodes are
   * refused. Undefined on PostgreSQL, whose server bounds its own storage.
   */
  storeUsage(): StoreUsage | undefined {
    return this.store?.usage();
  }

  /** Stops taking stanzas, then stops every part in the reverse of its start (started-parts.ts). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.overLimit.flush();
    await this.started.stopAll();
  }

  /**
   * Routes the IQ request's one reply (RFC 6120 §8.2.3); settles once it is routed. Not async on
   * purpose: no frame keeps the parsed request alive while the answer travels.
   */
  private answerIq(iq: Element): Promise<void> {
    const head = headOf(iq);
    const unexpected = (e: unknown): void => {
      this.log.error('iq.unexpected_error', { error: e });
      this.host.route(errorReply(head, e));
    };
    let reply: Element;
    try {
      const to = attr(iq, 'to')?.toLowerCase();
      if (to === this.appServer.jid) return this.appServer.handleIq(iq).then(this.routeReply, unexpected);
      if (this.xmppServer.isPushIq(iq)) return this.xmppServer.handleIq(iq, head).then(this.routeReply, unexpected);
      // RFC 6120 §8.4: a request for a service the entity does not offer.
      reply = isAccountDiscoInfo(iq) ? accountDiscoInfoReply(iq, this.xmppServer.discoFeatures()) : errorReply(head, new StanzaError('service-unavailable', 'cancel'));
    } catch (e) {
      unexpected(e);
      return RESOLVED;
    }
    // Outside the try: a host whose route throws gets the throw, not a second reply.
    this.host.route(reply);
    return RESOLVED;
  }

  private readonly routeReply = (reply: Element | undefined): void => {
    if (reply) this.host.route(reply);
  };
}
