/**
 * The XMPP Server role (XEP-0357 "XMPP Server", what MongooseIM's mod_push does), as a facade
 * the host server calls:
 * - `handleIq` answers the client's `<enable/>` / `<disable/>` (after durability);
 * - `onMessage` is offered every message the host delivers to a local user; it pushes when the
 *   policy agrees and the user has no available session;
 * - `sessionAvailable` / `sessionHibernated` / `sessionUnavailable` keep the session table.
 * Publishes leave through the injected `Publisher`.
 *
 * What the role persists goes through a RegistrationBackend: LMDB (one instance, the default) or
 * PostgreSQL shared by several instances, whose `ChangeFeed` tells this one's live actors to read
 * again what another instance changed.
 */
import type { Element } from '@xmpp/xml';
import { ActorRegistry, ArrivalOrder, type ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { HeraldError, isHeraldError } from '../core/errors.js';
import { andThen, type Awaitable } from '../store/awaitable.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { HeraldStore } from '../store/lmdb-store.js';
import { errorReply, headOf, resultReply, type StanzaHead } from '../xmpp/iq.js';
import { bareJid, parseJid } from '../xmpp/jid.js';
import { isAnsweredRefusal, StanzaError, toStanzaError } from '../xmpp/stanza-error.js';
import { parseDisableRequest } from './disable-request.js';
import { PUSH_DISCO_FEATURES, PUSH2_DISCO_FEATURES } from './disco.js';
import { parseEnableRequest } from './enable-request.js';
import type { Publisher } from './publisher.js';
import { pushCommandOf } from './push-iq.js';
import { PendingRegistrations } from './pending-registrations.js';
import { isPush2Candidate, messageIdentity, pushDecision, type PushDecision } from './push-policy.js';
import { PUSH2_SCOPE, type Registration } from './registration.js';
import type { Push2Offer } from './push2/push2-pusher.js';
import { parsePush2Disable, parsePush2Enable, push2CommandOf } from './push2/push2-request.js';
import { Push2Delivery, type Push2Origin, type Push2Sender } from './push2/push2-delivery.js';
import { Push2Matching } from './push2/push2-matching.js';
import { ForgettingOnWrite, UsersWithoutPush2 } from './push2/users-without-push2.js';
import type { RegistrationBackend } from './registration-backend.js';
import { RegistrationStore } from './registration-store.js';
import { SessionTable } from './sessions.js';
import { silentLogger, type Logger } from '../core/log.js';
import { newStats, type XmppServerStats } from './stats.js';
import { userBehaviourFactory, type UserMessage, type UserReply } from './user-actor.js';
import { attr } from '../xmpp/attr.js';
import type { PluginChain } from '../plugins/plugin-chain.js';
import { pluginMessageOf } from './plugin-views.js';

type RegistrationChange = Extract<UserMessage, { kind: 'enable' | 'disable' }>;
type Pushable = Extract<PushDecision, { push: true }>;

/** What the host knows of a message beyond the stanza. */
export interface MessageContext {
  /** The host archived it (XEP-0313), for Push 2.0's match:archived; default: judged by the `<stanza-id/>` its archive stamps (XEP-0359). */
  archived?: boolean;
  /** Its archive (MAM) id, when the stanza carries no `<stanza-id/>` of it: Push 2.0 keeps it in the encrypted payload. Implies `archived`. */
  archiveId?: string;
  /**
   * For a groupchat message: the recipient's nick in that room, as the host tracks the user's
   * joins (mod_push2 relies on mod_track_muc_joins). Push 2.0 then matches `<mention/>` by it
   * instead of the local part, and the room's echo of a message the user sent under that nick is
   * not important (mod_push2: "groupchat reflections are not important").
   */
  roomNick?: string;
}

/** Beyond publish_timeout_ms, time close() leaves the actors to take what is in their mailboxes. */
const CLOSE_MARGIN_MS = 1_000;

export interface XmppServerRoleOptions {
  /** Reads `xmpp_server`, `actors` and `store.postgres.seen_retention_ms`. */
  config: HeraldConfig;
  /** The LMDB store; needed only when `registrations` is not given. */
  store?: HeraldStore;
  actors: ActorRuntime;
  publisher: Publisher;
  /** Where registrations, badges and claims live: PostgresRegistrations for several instances; defaults to a RegistrationStore on `store`. */
  registrations?: RegistrationBackend;
  /** Changes of other instances sharing `registrations` (none with one instance). */
  changes?: ChangeFeed;
  log?: Logger;
  /** The configured plugins (src/plugins/); undefined when there are none. */
  plugins?: PluginChain;
  /**
   * Where Push 2.0 notifications go (the engine routes them to its App Server or out as stanzas).
   * Without it Push 2.0 registrations are kept but nothing is sent to them.
   */
  push2Sender?: Push2Sender;
}

export class XmppServerRole {
  /** Live sessions as reported by the host (not persisted). */
  readonly sessions = new SessionTable();
  readonly stats: XmppServerStats = newStats();
  private readonly store: RegistrationBackend;
  /** Users known to have no Push 2.0 registration; only on a store shared through a change feed (PostgreSQL). */
  private readonly withoutPush2: UsersWithoutPush2 | undefined;
  private readonly users: ActorRegistry<UserMessage, UserReply>;
  /** Messages whose push decision waits for the store, per user (onMessage). */
  private readonly arrivals = new ArrivalOrder();
  /** Enables and disables of users without a live actor, in flight. */
  private readonly pending: PendingRegistrations;
  private readonly storeCommits: () => number;
  private readonly log: Logger;
  private readonly plugins: PluginChain | undefined;
  /** `xmpp_server.push2.enabled`. */
  private readonly push2Enabled: boolean;
  /** `xmpp_server.push2.disable_after_failing_ms`. */
  private readonly push2DisableAfterMs: number;
  /** Sends and retries Push 2.0 notifications; undefined without a `push2Sender`. */
  private readonly push2Delivery: Push2Delivery | undefined;
  /** Stops listening to the change feed and sweeping claims (close()). */
  private readonly stopShared: Array<() => void> = [];
  /** Asks and publishes in flight, awaited by `close()` (with the changes in `pending`). */
  private readonly work = new Set<Promise<unknown>>();
  /** close() waits this long for work in flight; every publish settles within publish_timeout_ms. */
  private readonly closeGraceMs: number;
  private closing: Promise<void> | undefined;
  private stopped = false;

  constructor(options: XmppServerRoleOptions) {
    const { config } = options;
    const server = config.xmpp_server;
    this.log = options.log ?? silentLogger;
    this.plugins = options.plugins;
    this.push2Enabled = server.push2.enabled;
    this.push2DisableAfterMs = server.push2.disable_after_failing_ms;
    const registrations = options.registrations ?? new RegistrationStore(lmdbOf(options));
    // A store shared on PostgreSQL, whose other instances' changes the feed tells: "no Push 2.0
    // registration" is remembered, and forgotten by every write (this instance's, through the
    // store the role holds, and the feed's).
    this.withoutPush2 =
      this.push2Enabled && options.changes && server.push2.users_without_cache > 0 ? new UsersWithoutPush2(server.push2.users_without_cache) : undefined;
    this.store = this.withoutPush2 ? new ForgettingOnWrite(registrations, this.withoutPush2) : registrations;
    this.closeGraceMs = server.publish_timeout_ms + CLOSE_MARGIN_MS;
    this.storeCommits = () => options.store?.commits() ?? 0;
    this.pending = new PendingRegistrations({
      store: this.store,
      maxRegistrations: server.max_registrations_per_user,
      maxPendingPerUser: config.actors.mailbox_capacity,
    });
    this.push2Delivery = this.push2Enabled && options.push2Sender ? this.startPush2(options.push2Sender, config) : undefined;
    const push2 = this.push2Delivery;
    const factory = userBehaviourFactory({
      store: this.store,
      publisher: options.publisher,
      domain: server.domain,
      summary: {
        includeSender: server.include_sender,
        includeBody: server.include_body,
        bodyMaxChars: server.body_max_chars,
      },
      publishTimeoutMs: server.publish_timeout_ms,
      maxRegistrations: server.max_registrations_per_user,
      maxInFlight: server.max_publishes_in_flight_per_user,
      dedupWindow: server.dedup_window,
      pendingWrites: (user) => this.pending.settled(user),
      takeStale: (user) => this.users.takeStale(user),
      tellUser: (user, msg) => {
        // After close() no actor may be spawned on the stopped runtime.
        if (this.stopped) throw new HeraldError('HERALD_SHUTTING_DOWN', user);
        this.users.tell(user, msg);
      },
      track: (work) => this.track(work),
      stats: this.stats,
      log: this.log,
      plugins: this.plugins,
      push2DisableAfterMs: this.push2DisableAfterMs,
      push2: push2 && new Push2Matching({
        deliver: (notification, origin) => push2.deliver(notification, origin),
        sessions: this.sessions,
        domain: server.domain,
        subject: server.push2.contact_uri || `xmpp:${server.domain}`,
        stats: this.stats,
        log: this.log,
      }),
    });
    this.users = new ActorRegistry<UserMessage, UserReply>(options.actors.system, factory, {
      kind: 'user',
      mailboxCapacity: config.actors.mailbox_capacity,
      shardSize: config.actors.shard_size,
      passivateAfterMs: config.actors.passivate_after_ms,
      maxLive: config.actors.max_live_actors,
      stopBatchSize: config.actors.stop_batch_size,
      onCrash: (error, user) => {
        this.stats.actorCrashes++;
        this.log.error('xmpp_server.user_crashed', { user, reason: (error as Error)?.message, action: 'rebuilt from the store' });
      },
    });
    // Another instance changed a user's registrations (undefined: anyone's may have changed): the
    // live actor reads them again before its next message; a user without one reads the store
    // when it next gets one, so none is spawned.
    if (options.changes) this.stopShared.push(options.changes.subscribe('xmpp_server_registrations', (user) => this.registrationsChanged(user)));
    if (this.store.forgetClaims) this.stopShared.push(sweepClaims(this.store, config.store.postgres.seen_retention_ms, this.log));
  }

  /** Another instance changed `user`'s registrations (undefined: anyone's may have changed). */
  private registrationsChanged(user: string | undefined): void {
    this.users.markStale(user);
    if (user === undefined) this.withoutPush2?.forgetAll();
    else this.withoutPush2?.forget(user);
  }

  private startPush2(sender: Push2Sender, config: HeraldConfig): Push2Delivery {
    const { push2, publish_timeout_ms } = config.xmpp_server;
    return new Push2Delivery({
      sender,
      timeoutMs: publish_timeout_ms,
      waitRetries: push2.wait_retries,
      backoff: { backoff_ms: push2.retry_backoff_ms, max_ms: push2.retry_max_ms },
      maxPendingRetries: push2.max_pending_retries,
      stats: this.stats,
      log: this.log,
      track: (work) => this.track(work),
      settled: (origin, ok) => this.push2Settled(origin, ok),
    });
  }

  /** Tells the user's actor what it acts on (push2Outcome in user-actor.ts): a failure for good, or a success after failures. */
  private push2Settled({ user, session, createdAt, failing }: Push2Origin, ok: boolean): void {
    // Nothing to mark: success on a healthy registration, or disabling is off.
    if ((ok && !failing) || this.push2DisableAfterMs === 0) return;
    try {
      if (this.stopped) return;
      this.users.tell(user, { kind: 'push2Outcome', session, createdAt, ok, at: Date.now() });
    } catch (e) {
      // The next outcome tells it again.
      this.log.debug('xmpp_server.push2_outcome_dropped', { user, reason: (e as Error).message });
    }
  }

  /** Whether the host should hand this stanza to `handleIq`: an IQ get/set with `<enable/>` or `<disable/>`. */
  isPushIq(iq: Element): boolean {
    return pushCommandOf(iq) !== undefined || (this.push2Enabled && push2CommandOf(iq) !== undefined);
  }

  /**
   * Answers an enable/disable IQ (XEP-0357's, or Push 2.0's when `xmpp_server.push2.enabled`) with its result, sent only once the change is durable, or with
   * an error reply (every throw becomes one; a full user mailbox is wait/resource-constraint).
   * A user with a live actor gets the change through its mailbox; any other user's change is
   * written without spawning one (pending-registrations.ts), in the same batched commits.
   * Any other get/set is answered cancel/service-unavailable (RFC 6120 §8.4). IQs of type
   * result/error must never be answered (RFC 6120 §8.2.3): they are refused with a TypeError.
   */
  handleIq(iq: Element, head: StanzaHead = headOf(iq)): Promise<Element> {
    if (iq.name !== 'iq' || (iq.attrs.type !== 'get' && iq.attrs.type !== 'set')) {
      return Promise.reject(new TypeError('handleIq takes an IQ of type get or set'));
    }
    // Only the head (the caller's, when it has one) is kept while the change waits for its
    // commit (a few ms, beside thousands of others): the parsed request dies young instead of
    // being copied by the GC.
    let change: Promise<UserReply>;
    try {
      if (this.closing) throw new HeraldError('HERALD_SHUTTING_DOWN');
      change = this.changeRegistrations(this.registrationChangeOf(iq));
    } catch (e) {
      return Promise.resolve(errorReply(head, this.asIqError(e)));
    }
    return change.then(
      (refusal) => (refusal ? errorReply(head, refusal) : resultReply(head)),
      (e: unknown) => errorReply(head, this.asIqError(e)),
    );
  }

  /** The change an enable or disable asks for, XEP-0357's or Push 2.0's; throws the StanzaError to answer. */
  private registrationChangeOf(iq: Element): RegistrationChange {
    const command = pushCommandOf(iq);
    if (command === 'enable') return { kind: 'enable', request: parseEnableRequest(iq) };
    if (command === 'disable') return { kind: 'disable', request: parseDisableRequest(iq) };
    const push2 = this.push2Enabled ? push2CommandOf(iq) : undefined;
    if (push2 === 'enable') return { kind: 'enable', request: parsePush2Enable(iq) };
    if (push2 === 'disable') return { kind: 'disable', request: parsePush2Disable(iq) };
    throw new StanzaError('service-unavailable', 'cancel');
  }

  private changeRegistrations(msg: RegistrationChange): Promise<UserReply> {
    const { user } = msg.request;
    // No race against a "stopped" promise: an ask still queued when its actor stops is
    // rejected by the actor layer (HERALD_ACTOR_STOPPED), so nothing outlives the request.
    // A Push 2.0 enable may replace the device's registration of an earlier session (user-actor.ts):
    // the user's actor decides, with every registration at hand. Enables are rare beside messages.
    if (this.users.has(user) || (msg.kind === 'enable' && msg.request.push2)) return this.track(this.users.ask(user, msg));
    // Not tracked one by one: close() waits for `pending` to be idle.
    return msg.kind === 'enable' ? this.pending.enable(msg.request) : this.pending.disable(msg.request);
  }

  /**
   * Offered every message the host delivers to a local user (by `to`). Pushes when the policy
   * (push-policy.ts) agrees, the user has no available session (none, or only hibernated ones)
   * and has registrations. Never throws: a full mailbox drops this push and counts it.
   *
   * For a stream that goes into hibernation with unacknowledged messages (XEP-0198), the host
   * should call `sessionHibernated` then offer those messages again here: de-duplication
   * keeps it to one push per message.
   */
  onMessage(message: Element, context?: MessageContext): void {
    let user: string | undefined;
    try {
      if (this.closing) {
        this.stats.pushesDropped++;
        return;
      }
      const decision = pushDecision(message);
      // Push 2.0 matches by profile, also messages XEP-0357 would not push (match:all).
      const push2 = this.push2Enabled && isPush2Candidate(message);
      if (!decision.push && !push2) {
        this.stats.messagesNotPushed++;
        return;
      }
      user = bareJid(attr(message, 'to'));
      // Push 2.0 devices are pushed when their own session is gone, whoever else is online.
      const legacy = decision.push && !this.sessions.hasAvailableSession(user) ? decision : undefined;
      if (!legacy && !push2) {
        this.stats.messagesNotPushed++;
        return;
      }
      const offer = push2 ? push2OfferOf(message, context) : undefined;
      // A user's messages reach the actor in arrival order, also while a decision waits for the
      // store (the last push then carries the last message).
      const known = user;
      const decided = this.arrivals.run(user, () => this.decide(known, message, legacy, offer));
      if (decided instanceof Promise) this.track(decided.catch((e: unknown) => this.messageNotTold(known, e)));
    } catch (e) {
      this.messageNotTold(user, e);
    }
  }

  /**
   * Tells `user`'s actor of a pushable message, when the user has registrations. Users without
   * push spawn no actor: their changes in flight, or one store read, decide. The read answers at
   * once on LMDB; on PostgreSQL later, so the decision is then a promise.
   */
  private decide(user: string, message: Element, decision: Pushable | undefined, offer: Push2Offer | undefined): Awaitable<void> {
    if (this.users.has(user)) return this.tellMessage(user, this.pushOf(message, decision, offer, user));
    // Only Push 2.0 can push it: a user without Push 2.0 registrations spawns no actor.
    const registered = this.pending.hasAny(user) ?? (decision ? this.store.hasAny(user) : this.hasPush2(user));
    return andThen(registered, (yes) => {
      if (yes) this.tellMessage(user, this.pushOf(message, decision, offer, user));
      else if (!decision) this.stats.messagesNotPushed++;
    });
  }

  /** Whether `user` has Push 2.0 registrations (remembered "none" on PostgreSQL: users-without-push2.ts). */
  private hasPush2(user: string): Awaitable<boolean> {
    const sessions = () => this.store.nodesOn(user, PUSH2_SCOPE);
    return this.withoutPush2 ? this.withoutPush2.hasAny(user, sessions) : andThen(sessions(), (found) => found.length > 0);
  }

  /**
   * What the user's actor gets of a message (with what plugins see of it, when there are plugins).
   * Every field is written at once, so that every such message has one shape.
   */
  private pushOf(message: Element, decision: Pushable | undefined, offer: Push2Offer | undefined, user: string): UserMessage {
    const sender = decision && validJid(attr(message, 'from'));
    const push: UserMessage = {
      kind: 'message',
      message: decision && { sender, body: decision.body, call: decision.call, groupchat: message.attrs.type === 'groupchat' },
      identity: messageIdentity(message, user),
      plugins: undefined,
      push2: offer,
    };
    if (decision && this.plugins) {
      push.plugins = { message: pluginMessageOf(message, decision.body, sender), recipient: { jid: user, state: this.sessions.stateOf(user) } };
    }
    return push;
  }

  private tellMessage(user: string, message: UserMessage): void {
    try {
      if (this.stopped) throw new HeraldError('HERALD_ACTOR_STOPPED', user);
      this.users.tell(user, message);
      this.stats.messagesQueued++;
    } catch (e) {
      this.messageNotTold(user, e);
    }
  }

  private messageNotTold(user: string | undefined, e: unknown): void {
    if (isHeraldError(e, 'HERALD_MAILBOX_FULL') || isHeraldError(e, 'HERALD_ACTOR_STOPPED')) {
      this.stats.pushesDropped++;
      // Per push, in floods when it comes: debug (counted in herald_xmpp_server_* families).
      this.log.debug('xmpp_server.push_dropped', { user, reason: 'mailbox full' });
    } else {
      this.stats.messagesUnreadable++;
      this.log.debug('xmpp_server.message_skipped', { user, reason: (e as Error)?.message });
    }
  }

  /** A session became available (bound, or resumed): the unread counter restarts at 0. */
  sessionAvailable(fullJid: string): void {
    if (this.plugins) return this.sessionChanged(fullJid, () => this.becameAvailable(fullJid));
    this.becameAvailable(fullJid);
  }

  private becameAvailable(fullJid: string): void {
    if (!this.sessions.setAvailable(fullJid)) return; // the user was already online
    const user = bareJid(fullJid);
    if (this.users.has(user)) return this.tellOnline(user);
    const counted = andThen(this.store.unreadCount(user), (unread) => {
      if (unread !== 0) this.tellOnline(user);
    });
    if (counted instanceof Promise) this.track(counted.catch((e: unknown) => this.resetDropped(user, e)));
  }

  private tellOnline(user: string): void {
    try {
      if (this.stopped) throw new HeraldError('HERALD_ACTOR_STOPPED', user);
      this.users.tell(user, { kind: 'sessionOnline' });
    } catch (e) {
      this.resetDropped(user, e);
    }
  }

  /** Only the badge is affected: it goes on counting from where it was. */
  private resetDropped(user: string, e: unknown): void {
    this.log.debug('xmpp_server.unread_reset_dropped', { user, reason: (e as Error).message });
  }

  /** XEP-0198: the stream is detached but resumable; messages to the user are pushed meanwhile. */
  sessionHibernated(fullJid: string): void {
    if (this.plugins) return this.sessionChanged(fullJid, () => this.sessions.setHibernated(fullJid));
    this.sessions.setHibernated(fullJid);
  }

  /**
   * The session did something its user did: sent a message with a body or a chat state (what
   * mod_push2 counts as activity). Push 2.0 matches with `<grace/>` pause on the user's other
   * sessions for that many seconds after it.
   */
  sessionActivity(fullJid: string): void {
    try {
      this.sessions.setActive(fullJid, Date.now());
    } catch (e) {
      this.log.debug('xmpp_server.activity_skipped', { reason: (e as Error).message });
    }
  }

  /** The session ended (closed, or its resumption window ran out). */
  sessionUnavailable(fullJid: string): void {
    if (this.plugins) return this.sessionChanged(fullJid, () => this.sessions.remove(fullJid));
    this.sessions.remove(fullJid);
  }

  /** Runs a session event and tells the plugins when it changed where the user stands. */
  private sessionChanged(fullJid: string, change: () => void): void {
    const user = bareJid(fullJid);
    const before = this.sessions.stateOf(user);
    change();
    const after = this.sessions.stateOf(user);
    if (after !== before) this.plugins!.sessionState({ jid: user, state: before }, after);
  }

  /** The durable registrations of a user (diagnostics and tests). */
  async registrations(user: string): Promise<Registration[]> {
    return this.store.listFor(bareJid(user));
  }

  /** User actors currently live (diagnostics: passivated users have none). */
  get liveUsers(): number {
    return this.users.size;
  }

  /** Whether `user` (a bare JID) has a live actor now (diagnostics, benchmarks). */
  isLive(user: string): boolean {
    return this.users.has(user);
  }

  /**
   * Whether nothing is in flight: no user actor with a message queued or in hand, no ask,
   * publish or badge write unsettled, no registration change of an actor-less user pending.
   */
  get idle(): boolean {
    return this.users.idle && this.work.size === 0 && this.pending.size === 0;
  }

  /**
   * Resolves once the role is idle, also waiting for what the work in flight starts (a refusal
   * told to an actor, the next message in its mailbox). Tests check "nothing was pushed" after
   * this, not after a fixed sleep; a publish the App Server never answers keeps it waiting for
   * publish_timeout_ms.
   */
  async whenIdle(): Promise<void> {
    while (!this.idle) await this.workSettled(Number.POSITIVE_INFINITY);
  }

  /** Asynchronous write transactions LMDB committed since the store was opened, all roles (benchmarks); 0 without LMDB. */
  get storeCommitCount(): number {
    return this.storeCommits();
  }

  /** Features the account's disco#info lists for this role (XEP-0357 §4.1; Push 2.0 "Discovering support" when enabled). */
  discoFeatures(): readonly string[] {
    return this.push2Enabled ? [...PUSH_DISCO_FEATURES, ...PUSH2_DISCO_FEATURES] : PUSH_DISCO_FEATURES;
  }

  /**
   * Refuses new work, waits (at most publish_timeout_ms + 1 s) for enables, disables, pushes and
   * refusals in flight, then stops the user actors, `actors.stop_batch_size` per event-loop turn
   * (their state is already durable; an ask still queued is answered service-unavailable). The
   * store stays open: its owner closes it.
   */
  close(): Promise<void> {
    for (const stop of this.stopShared.splice(0)) stop();
    this.push2Delivery?.close();
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    const deadline = Date.now() + this.closeGraceMs;
    while (Date.now() < deadline) {
      await this.users.passivateIdle(Number.POSITIVE_INFINITY);
      if (this.users.size === 0 && this.work.size === 0 && this.pending.size === 0) break;
      await this.workSettled(deadline);
    }
    this.stopped = true;
    await this.users.stopAll();
  }

  /** Waits for the work and changes in flight to settle (by `deadline`), or 1 ms if there are none. */
  private async workSettled(deadline: number): Promise<void> {
    const work = [...this.work];
    if (this.pending.size > 0) work.push(this.pending.idle());
    if (work.length > 0) await settledOrDeadline(work, deadline);
    else await delay(1); // an actor is still taking its mailbox
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.work.add(work);
    const forget = () => this.work.delete(work);
    work.then(forget, forget);
    return work;
  }

  private asIqError(e: unknown): StanzaError {
    if (!isAnsweredRefusal(e)) this.log.warn('xmpp_server.push_iq_failed', { reason: (e as Error)?.message });
    return toStanzaError(e);
  }
}

function lmdbOf(options: XmppServerRoleOptions): HeraldStore {
  if (!options.store) throw new TypeError('XmppServerRole needs `store` (LMDB) or `registrations`');
  return options.store;
}

/**
 * Forgets claims older than the retention, once per retention period (so a claim lives between
 * one and two periods). Unref'd: it never keeps the process alive. Returns the stop.
 */
function sweepClaims(store: RegistrationBackend, retentionMs: number, log: Logger): () => void {
  const timer = setInterval(() => {
    store.forgetClaims!(retentionMs).catch((e: unknown) => log.warn('xmpp_server.claims_not_swept', { reason: (e as Error).message }));
  }, retentionMs);
  timer.unref();
  return () => clearInterval(timer);
}

function push2OfferOf(stanza: Element, context: MessageContext | undefined): Push2Offer {
  // A nick the host could not give as text is as none: mentions then match the local part.
  const roomNick = typeof context?.roomNick === 'string' && context.roomNick !== '' ? context.roomNick : undefined;
  if (context?.archiveId !== undefined) return { stanza, archived: true, archiveId: context.archiveId, roomNick };
  return { stanza, archived: context?.archived, archiveId: undefined, roomNick };
}

function validJid(text: string | undefined): string | undefined {
  try {
    return text ? parseJid(text).toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for every promise to settle, or for the deadline, whichever comes first. */
async function settledOrDeadline(work: Promise<unknown>[], deadline: number): Promise<void> {
  if (deadline === Number.POSITIVE_INFINITY) return void (await Promise.allSettled(work));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
  try {
    await Promise.race([Promise.allSettled(work), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
