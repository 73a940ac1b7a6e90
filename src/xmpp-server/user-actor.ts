/**
 * One actor per user (bare JID): owns the user's registrations, unread counter and de-dup
 * window, and is the only writer of them, so enable/disable/push/refusal never race.
 *
 * State: read from the RegistrationBackend when the behaviour is built (first message, after
 * passivation, after a crash), so an actor can be stopped or rebuilt at any time without losing
 * anything. When the user has changes in flight that were written without an actor
 * (pending-registrations.ts), the actor reads the store only once those are durable, and takes
 * its mailbox after that. When another instance changes the user's registrations (a shared
 * store), the role marks the user stale and the actor reads them again before its next message.
 *
 * Badge and de-dup go through the store's atomic operations, so that instances sharing it never
 * lose a count nor push one message twice: the count in a push is what `incrementUnread`
 * answered, and a message with an identity is pushed only after `claimMessage` granted it (on
 * PostgreSQL both at once: `claimAndCount`, one statement).
 *
 * Publishing is pipelined, not awaited: a `message` starts one publish per registration (in
 * registration order, so the App Server sees each node's message-counts in order) and the
 * actor goes on with its mailbox while the App Server answers. Awaiting each round-trip (up
 * to publish_timeout_ms) would serialize all of a user's pushes behind a slow App Server.
 * The window is bounded: with `maxInFlight` publishes outstanding the actor waits for one to
 * settle before starting the next (backpressure: its mailbox fills, then pushes are dropped).
 * A refusal comes back as a `publishRefused` message, so registration changes stay serial.
 *
 * With plugins (src/plugins/), a message first goes past every registration's shouldPublish
 * (before it is claimed and counted: a message no registration is left for is not in the badge),
 * each publish through prepare, and each outcome to onPublishOutcome. Without plugins none of
 * that is built or awaited.
 */
import type { BehaviourFactory, Behaviour } from '../actors/index.js';
import { isHeraldError } from '../core/errors.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { StanzaError, toStanzaError } from '../xmpp/stanza-error.js';
import type { DisableRequest } from './disable-request.js';
import type { EnableRequest } from './enable-request.js';
import { publishWithin, type Publisher, type PublishResult } from './publisher.js';
import { andThen, type Awaitable } from '../store/awaitable.js';
import { localKey, PUSH2_SCOPE, type Registration } from './registration.js';
import { quotaRefusal, registrationOf } from './registration-change.js';
import type { RegistrationBackend } from './registration-backend.js';
import type { Logger } from '../core/log.js';
import type { XmppServerStats } from './stats.js';
import { buildSummary, type PushedMessage, type SummaryOptions } from './summary.js';
import type { PluginChain } from '../plugins/plugin-chain.js';
import type { PluginMessage, Recipient } from '../plugins/plugin.js';
import { pluginRegistrationOf } from './plugin-views.js';
import { sealedContent } from './sealed-summary.js';
import type { Push2Offer, Push2Pusher } from './push2/push2-pusher.js';
import type { Push2Config } from '../xmpp/push2/push2-types.js';

/** A pushable message as plugins see it; only made when plugins are configured. */
export interface PluginView {
  message: PluginMessage;
  recipient: Recipient;
}

export type UserMessage =
  /** XEP-0357 §5: resolves once the registration is durable. */
  | { kind: 'enable'; request: EnableRequest }
  /** XEP-0357 §6: resolves once the removal is durable; removing nothing succeeds. */
  | { kind: 'disable'; request: DisableRequest }
  /**
   * A message for this user: `message` when XEP-0357 pushes it (pushable, the user offline),
   * `push2` when the user's Push 2.0 registrations are to be matched against it.
   */
  | { kind: 'message'; message?: PushedMessage; identity?: string; plugins?: PluginView; push2?: Push2Offer }
  /** A session became available: the user sees their messages, the badge restarts at 0. */
  | { kind: 'sessionOnline' }
  /** The App Server answered a publish with a `cancel` error. */
  | { kind: 'publishRefused'; pubsubJid: string; node: string; createdAt: number; error: StanzaError }
  /** A Push 2.0 notification failed for good, or succeeded for a registration marked failing (push2-delivery.ts). */
  | { kind: 'push2Outcome'; session: string; createdAt: number; ok: boolean; at: number };

/** A refusal to send back to the client (enable over the quota), or nothing. */
export type UserReply = StanzaError | undefined;

export interface UserActorDeps {
  store: RegistrationBackend;
  publisher: Publisher;
  /** Our domain: publishes leave from it (XEP-0357 §7). */
  domain: string;
  summary: SummaryOptions;
  publishTimeoutMs: number;
  maxRegistrations: number;
  maxInFlight: number;
  /** `xmpp_server.dedup_window`: message identities remembered per live actor. */
  dedupWindow: number;
  /** Resolves once `user`'s changes written without an actor are durable; undefined when none are in flight. */
  pendingWrites(user: string): Promise<void> | undefined;
  /**
   * Whether another instance changed `user`'s registrations since this actor last read them,
   * clearing the mark. A mark, not a message: it needs no mailbox slot, so a full mailbox cannot
   * leave the actor stale.
   */
  takeStale(user: string): boolean;
  /** Delivers a message to this user's live actor (respawning it if it was passivated). */
  tellUser(user: string, msg: UserMessage): void;
  /** Registers work that `close()` must wait for. */
  track(work: Promise<unknown>): void;
  stats: XmppServerStats;
  /** Fields carry JIDs, nodes and conditions, never message bodies or publish-options. */
  log: Logger;
  /** The configured plugins; undefined when there are none. */
  plugins?: PluginChain;
  /** Matches and sends Push 2.0 notifications; undefined when `xmpp_server.push2.enabled` is off. */
  push2?: Push2Pusher;
  /** `xmpp_server.push2.disable_after_failing_ms` (0: never). */
  push2DisableAfterMs: number;
}

export function userBehaviourFactory(deps: UserActorDeps): (user: string) => BehaviourFactory<UserMessage, UserReply> {
  return (user) => () => new UserBehaviour(user, deps);
}

class UserBehaviour implements Behaviour<UserMessage, UserReply> {
  /** localKey(pubsubJid, node) → registration, mirroring the store. */
  private readonly registrations = new Map<string, Registration>();
  /** The user's unread count as last known: the store's answer, or on a store of one instance this actor's own count (0: no reset needed when the user comes online). */
  private unread = 0;
  /** Until the user's pending writes are durable and the store is read. */
  private loading: Promise<void> | undefined;
  private readonly seen = new Set<string>();
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];

  constructor(
    private readonly user: string,
    private readonly deps: UserActorDeps,
  ) {
    deps.takeStale(user); // read below, after any notice so far
    const pending = deps.pendingWrites(user);
    const loaded = pending ? pending.then(() => this.load()) : this.load();
    if (loaded instanceof Promise) this.loading = loaded;
  }

  private load(): Awaitable<void> {
    return andThen(this.deps.store.listFor(this.user), (registrations) => {
      this.registrations.clear();
      for (const r of registrations) this.registrations.set(localKey(r.pubsubJid, r.node), r);
      return andThen(this.deps.store.unreadCount(this.user), (unread) => {
        this.unread = unread;
      });
    });
  }

  handle(msg: UserMessage): Promise<UserReply> {
    if (this.deps.takeStale(this.user)) this.reload();
    if (!this.loading) return this.handleLoaded(msg);
    return this.loading.then(() => {
      this.loading = undefined;
      return this.handleLoaded(msg);
    });
  }

  /** Reads the store again, after a read still in flight (which may predate the change). */
  private reload(): void {
    const reloaded = this.loading ? this.loading.then(() => this.load()) : this.load();
    if (reloaded instanceof Promise) this.loading = reloaded;
  }

  private async handleLoaded(msg: UserMessage): Promise<UserReply> {
    switch (msg.kind) {
      case 'enable':
        return this.enable(msg.request);
      case 'disable':
        return this.disable(msg.request);
      case 'message': {
        const offered = msg.push2 ? this.pushV2(msg.push2, msg.identity) : false;
        if (msg.message) {
          if (offered instanceof Promise) await offered; // a shared store's claim: notified in message order
          return this.push(msg.message, msg.identity, msg.plugins);
        }
        // Offered for Push 2.0 alone (XEP-0357 would not push it): ruled out when no Push 2.0 registration takes it.
        if (!(offered instanceof Promise ? await offered : offered)) this.deps.stats.messagesNotPushed++;
        return undefined;
      }
      case 'sessionOnline':
        // Another instance may have counted since this one last read the counter.
        if (this.unread !== 0 || this.deps.store.sharedAcrossInstances) this.resetUnread();
        return undefined;
      case 'publishRefused':
        return this.refused(msg);
      case 'push2Outcome':
        return this.push2Outcome(msg);
    }
  }

  private async enable(request: EnableRequest): Promise<UserReply> {
    const key = localKey(request.pubsubJid, request.node);
    if (request.push2) await this.forgetEarlierSessions(key, request.push2);
    const refusal = quotaRefusal(this.registrations.size, !this.registrations.has(key), this.deps.maxRegistrations);
    if (refusal) return refusal;
    const registration = registrationOf(request);
    // Durable first, then visible: the IQ result goes out only after this resolves.
    try {
      await this.deps.store.put(this.user, registration);
    } catch (e) {
      // A full store refuses the write: a reply (wait/resource-constraint), not an actor crash.
      if (isHeraldError(e, 'HERALD_STORE_FULL')) return toStanzaError(e);
      throw e;
    }
    this.registrations.set(key, registration);
    return undefined;
  }

  /**
   * A Push 2.0 registration belongs to a session, but a client that binds a new resource each
   * time it connects would leave one per past session behind. Its `<client/>` names the device at
   * its push service, so a registration of another session with the same service and client is
   * that device's old one: it goes (durably) before the new one is written.
   */
  private async forgetEarlierSessions(key: string, config: Push2Config): Promise<void> {
    for (const [other, r] of this.registrations) {
      if (other === key || r.push2?.service !== config.service || r.push2.client !== config.client) continue;
      await this.deps.store.remove(this.user, PUSH2_SCOPE, r.node);
      this.registrations.delete(other);
    }
  }

  private async disable({ pubsubJid, node }: DisableRequest): Promise<UserReply> {
    if (node !== undefined) {
      await this.deps.store.remove(this.user, pubsubJid, node);
      this.registrations.delete(localKey(pubsubJid, node));
    } else {
      await this.deps.store.removeAllOn(this.user, pubsubJid);
      for (const [key, r] of this.registrations) if (r.pubsubJid === pubsubJid) this.registrations.delete(key);
    }
    return undefined;
  }

  /**
   * Push 2.0: each registration (of a session that is not available) matched against the message
   * and notified (push2/push2-pusher.ts); whether the user has any. De-duplicated under its own
   * identity, apart from XEP-0357's (a message is pushed once by each protocol): in the actor's
   * window, and on a store shared by instances by its claim too, so that a message handed to two
   * instances is notified once. A claim the store could not answer notifies anyway (claimOrPush).
   */
  private pushV2(offer: Push2Offer, identity: string | undefined): Awaitable<boolean> {
    const pusher = this.deps.push2;
    if (!pusher) return false;
    // Made only for a user who has some: most messages meet only XEP-0357 registrations.
    let registrations: Registration[] | undefined;
    for (const r of this.registrations.values()) if (r.push2) (registrations ??= []).push(r);
    if (!registrations) return false;
    if (identity === undefined) {
      pusher.push(this.user, registrations, offer);
      return true;
    }
    const push2Identity = `push2\u001f${identity}`;
    if (this.seenBefore(push2Identity)) return true;
    if (!this.deps.store.sharedAcrossInstances) {
      pusher.push(this.user, registrations, offer);
      return true;
    }
    return this.claimOrPush(Promise.resolve(this.deps.store.claimMessage(this.user, push2Identity))).then((granted) => {
      if (granted) pusher.push(this.user, registrations, offer);
      else this.deps.stats.duplicatesSkipped++;
      return true;
    });
  }

  /** Whether the message `identity` was pushed already (remembered in the window, the oldest forgotten). */
  private seenBefore(identity: string): boolean {
    if (this.seen.has(identity)) {
      this.deps.stats.duplicatesSkipped++;
      return true;
    }
    this.seen.add(identity);
    if (this.seen.size > this.deps.dedupWindow) this.seen.delete(this.seen.values().next().value!);
    return false;
  }

  private async push(message: PushedMessage, identity: string | undefined, view: PluginView | undefined): Promise<UserReply> {
    let targets: Registration[] = [];
    for (const r of this.registrations.values()) if (!r.push2) targets.push(r);
    if (targets.length === 0) return undefined;
    if (identity !== undefined && this.seenBefore(identity)) return undefined;
    const plugins = view && this.deps.plugins ? { chain: this.deps.plugins, view } : undefined;
    if (plugins) {
      const allowed = this.allowedBy(plugins.chain, plugins.view, targets);
      targets = allowed instanceof Promise ? await allowed : allowed;
      if (targets.length === 0) {
        this.deps.stats.messagesNotPushed++;
        return undefined;
      }
    }
    let counted: Awaitable<number | undefined>;
    if (identity === undefined) counted = this.countUnread();
    else counted = this.deps.store.claimAndCount ? this.claimAndCount(this.deps.store.claimAndCount(this.user, identity)) : this.claimThenCount(identity);
    const count = counted instanceof Promise ? await counted : counted;
    if (count === undefined) {
      this.deps.stats.duplicatesSkipped++;
      return undefined;
    }
    const summary = buildSummary(count, message, this.deps.summary);
    for (const registration of targets) {
      await this.freeSlot();
      let publish: PushPublish = {
        from: this.deps.domain,
        to: registration.pubsubJid,
        node: registration.node,
        summary,
        publishOptions: { ...registration.publishOptions },
      };
      // Tigase encrypt: sealed for this registration's key only; the clear summary path allocates nothing more.
      if (registration.encryption) Object.assign(publish, sealedContent(summary, message, registration.encryption, this.deps.summary.bodyMaxChars));
      if (plugins) {
        const prepared = plugins.chain.prepare(publish, pluginRegistrationOf(this.user, registration), plugins.view.message, plugins.view.recipient);
        publish = prepared instanceof Promise ? await prepared : prepared;
      }
      this.start(publish, registration);
    }
    return undefined;
  }

  /** The registrations every plugin lets the message go to, in their order (asked all at once). */
  private allowedBy(plugins: PluginChain, view: PluginView, registrations: Registration[]): Awaitable<Registration[]> {
    const answers = registrations.map((r) => plugins.allows(view.message, view.recipient, pluginRegistrationOf(this.user, r)));
    const kept = (yes: readonly boolean[]) => registrations.filter((_, i) => yes[i]);
    return answers.some((a) => a instanceof Promise) ? Promise.all(answers).then(kept) : kept(answers as boolean[]);
  }

  /** Starts one publish; its outcome is handled when it settles, outside this handler. */
  private start(publish: PushPublish, registration: Registration): void {
    this.inFlight++;
    this.deps.stats.publishesStarted++;
    const work = publishWithin(this.deps.publisher, publish, this.deps.publishTimeoutMs)
      .then((result) => this.settled(result, registration))
      .finally(() => {
        this.inFlight--;
        this.slotWaiters.shift()?.();
      });
    this.deps.track(work);
  }

  /**
   * XEP-0357 §7.1 leaves the reaction to publish errors to the server. Like MongooseIM, a
   * `cancel` error (dead token, unknown node, precondition-not-met) disables the registration;
   * `wait` and every other type keep it (a transient failure must not disable a healthy device).
   */
  private settled(result: PublishResult, registration: Registration): void {
    if (this.deps.plugins) this.tellPlugins(this.deps.plugins, result, registration);
    if (result.ok) {
      this.deps.stats.publishesOk++;
      return;
    }
    this.deps.stats.publishesFailed++;
    const { error } = result;
    const fields = {
      user: this.user,
      pubsub: registration.pubsubJid,
      node: registration.node,
      error: `${error.type}/${error.condition}`,
    };
    if (error.type !== 'cancel') {
      this.deps.log.info('xmpp_server.publish_failed', { ...fields, action: 'registration kept' });
      return;
    }
    try {
      this.deps.tellUser(this.user, {
        kind: 'publishRefused',
        pubsubJid: registration.pubsubJid,
        node: registration.node,
        createdAt: registration.createdAt,
        error,
      });
    } catch (e) {
      // Self-healing: the registration stays and the next push to it meets the same error.
      this.deps.stats.refusalsUndelivered++;
      this.deps.log.warn('xmpp_server.refusal_undelivered', { ...fields, reason: (e as Error).message });
    }
  }

  private tellPlugins(plugins: PluginChain, result: PublishResult, registration: Registration): void {
    const outcome = result.ok ? { ok: true as const } : { ok: false as const, error: { type: result.error.type, condition: result.error.condition } };
    plugins.publishOutcome(pluginRegistrationOf(this.user, registration), outcome);
  }

  private async refused(msg: Extract<UserMessage, { kind: 'publishRefused' }>): Promise<UserReply> {
    const key = localKey(msg.pubsubJid, msg.node);
    const current = this.registrations.get(key);
    // Re-enabled since that publish: the new registration may well work; keep it.
    if (!current || current.createdAt !== msg.createdAt) return undefined;
    await this.deps.store.remove(this.user, msg.pubsubJid, msg.node);
    this.registrations.delete(key);
    this.deps.stats.registrationsDisabled++;
    this.deps.log.info('xmpp_server.registration_disabled', {
      user: this.user,
      pubsub: msg.pubsubJid,
      node: msg.node,
      error: `${msg.error.type}/${msg.error.condition}`,
    });
    return undefined;
  }

  /**
   * The draft's "A user's server MAY automatically disable a push configuration for a service
   * that has consistently failed … for an extended period": the first failure for good marks the
   * registration failing (durably: the mark outlives passivation and restarts), a success clears
   * the mark, and a failure `push2DisableAfterMs` after the mark disables it.
   */
  private async push2Outcome(msg: Extract<UserMessage, { kind: 'push2Outcome' }>): Promise<UserReply> {
    const key = localKey(PUSH2_SCOPE, msg.session);
    const current = this.registrations.get(key);
    // Enabled again since: the new configuration starts clean.
    if (!current?.push2 || current.createdAt !== msg.createdAt) return undefined;
    const { failingSince, ...config } = current.push2;
    if (msg.ok) {
      if (failingSince !== undefined) await this.rewrite(key, { ...current, push2: config });
      return undefined;
    }
    if (failingSince === undefined) {
      await this.rewrite(key, { ...current, push2: { ...config, failingSince: msg.at } });
      return undefined;
    }
    if (this.deps.push2DisableAfterMs === 0 || msg.at - failingSince < this.deps.push2DisableAfterMs) return undefined;
    await this.deps.store.remove(this.user, PUSH2_SCOPE, msg.session);
    this.registrations.delete(key);
    this.deps.stats.registrationsDisabled++;
    this.deps.log.info('xmpp_server.push2_disabled', { user: this.user, session: msg.session, service: config.service, failing_since: new Date(failingSince).toISOString() });
    return undefined;
  }

  /** Replaces a registration in the store, then here; a refused write leaves both as they were. */
  private async rewrite(key: string, registration: Registration): Promise<void> {
    try {
      await this.deps.store.put(this.user, registration);
      this.registrations.set(key, registration);
    } catch (e) {
      this.deps.log.warn('xmpp_server.push2_mark_not_saved', { user: this.user, reason: (e as Error).message });
    }
  }

  private async freeSlot(): Promise<void> {
    while (this.inFlight >= this.deps.maxInFlight) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  /**
   * The claim, then (granted) the count; undefined: a duplicate. On LMDB both answer at once, so
   * the push goes on in the same turn.
   */
  private claimThenCount(identity: string): Awaitable<number | undefined> {
    const claimed = this.deps.store.claimMessage(this.user, identity);
    if (!(claimed instanceof Promise)) return claimed ? this.countUnread() : undefined;
    return this.claimOrPush(claimed).then((granted) => (granted ? this.countUnread() : undefined));
  }

  /**
   * A claim the store could not answer pushes anyway: a device may then get a message twice,
   * where refusing would lose it.
   */
  private claimOrPush(claimed: Promise<boolean>): Promise<boolean> {
    return claimed.catch((e: unknown) => {
      this.deps.log.warn('xmpp_server.claim_failed', { user: this.user, reason: (e as Error).message, action: 'pushed' });
      return true;
    });
  }

  /**
   * The store's claim and count of one statement (a shared store): the count is the badge. A
   * claim the store could not answer pushes anyway, as `claimOrPush`, with the last count plus one.
   */
  private claimAndCount(answered: Promise<number | undefined>): Promise<number | undefined> {
    const counted = answered.then(
      (count) => (count === undefined ? undefined : (this.unread = count)),
      (e: unknown) => {
        this.deps.log.warn('xmpp_server.claim_failed', { user: this.user, reason: (e as Error).message, action: 'pushed' });
        return ++this.unread;
      },
    );
    this.deps.track(counted);
    return counted;
  }

  /**
   * One more unread message, counted by the store (atomic, so instances sharing it lose no
   * count); the badge is the count it answers. The counter survives passivation and restarts (a
   * badge stuck at 1 is a known complaint). A count the store refuses still pushes, with the
   * last count plus one.
   *
   * A store of one instance has this actor as the counter's only writer, so the actor's own
   * count is the store's: the push goes on at once and the increment commits with its batch
   * (waiting for that commit would hold every push for an fsync).
   */
  private countUnread(): Awaitable<number> {
    if (!this.deps.store.sharedAcrossInstances) {
      const counted = this.deps.store.incrementUnread(this.user, this.unread);
      this.deps.track(counted.catch((e: unknown) => this.unwritten(e))); // the store must not close under it
      return ++this.unread;
    }
    const answered = this.deps.store.incrementUnread(this.user).then(
      (count) => (this.unread = count),
      (e: unknown) => {
        this.unwritten(e);
        return ++this.unread;
      },
    );
    this.deps.track(answered);
    return answered;
  }

  /** Not awaited: a reset lost only leaves a badge too high. */
  private resetUnread(): void {
    this.unread = 0;
    this.deps.track(this.deps.store.resetUnread(this.user).catch((e: unknown) => this.unwritten(e)));
  }

  private unwritten(e: unknown): void {
    // A full store logs its refusals itself (folded per interval); a line per push would flood.
    if (isHeraldError(e, 'HERALD_STORE_FULL')) return;
    this.deps.log.warn('xmpp_server.unread_not_saved', { user: this.user, reason: (e as Error).message });
  }
}
