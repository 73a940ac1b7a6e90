/**
 * Enables and disables of users who have no live actor, written without spawning one.
 *
 * Spawning a user actor (and stopping it again once idle) costs more than the write itself, and
 * an enable rarely comes with anything else for the user. So while a user has no live actor, the
 * role hands the change here: it is checked (XEP-0357 §5 quota) against the user's registrations
 * as they will be once the writes in flight are durable — LMDB's, changed by those writes — then
 * written; the reply resolves once the write is durable, like the actor's.
 *
 * Order per user still holds, because a user's changes go one way at a time:
 * - no live actor: here, in arrival order (LMDB commits a batch's writes in issue order);
 * - a live actor: its mailbox. An actor spawned while this user has writes in flight here (a
 *   message to the user, say) waits for them to be durable before it reads LMDB (user-actor.ts),
 *   and every change arriving meanwhile queues in its mailbox behind that.
 * An actor only stops when idle, so its own writes are durable before changes come here again.
 *
 * A user's writes in flight here are bounded by `actors.mailbox_capacity`, as an actor's
 * mailbox is: beyond it the change is refused at once (HERALD_MAILBOX_FULL).
 */
import { HeraldError, isHeraldError } from '../core/errors.js';
import { toStanzaError } from '../xmpp/stanza-error.js';
import type { DisableRequest } from './disable-request.js';
import type { EnableRequest } from './enable-request.js';
import { localKey, splitLocalKey } from './registration.js';
import { quotaRefusal, registrationOf } from './registration-change.js';
import type { RegistrationStore } from './registration-store.js';
import type { UserReply } from './user-actor.js';

export interface PendingRegistrationsOptions {
  store: RegistrationStore;
  /** `xmpp_server.max_registrations_per_user`. */
  maxRegistrations: number;
  /** `actors.mailbox_capacity`: changes of one user in flight here at once. */
  maxPendingPerUser: number;
}

/** What the changes in flight will leave of one registration key. */
interface KeyState {
  exists: boolean;
}

interface PendingUser {
  /** Registrations the user will have once every write in flight is durable. */
  count: number;
  /**
   * `localKey` (pubsub JID, node) → what the writes in flight will leave of it. A key not here is
   * as LMDB has it. No list of the user's registrations is read: the quota needs their count
   * (lmdb-js counts keys for ~2 µs, where reading them costs ~5 µs) and each change one key.
   */
  keys: Map<string, KeyState>;
  /**
   * LMDB held no registration of the user when this entry was made: every key the user has is
   * then in `keys`, and no existence check need read LMDB. (While the entry lives, only its own
   * writes change the user's registrations: an actor spawned meanwhile waits for them to settle.)
   */
  storeEmpty: boolean;
  /** Writes issued and not yet settled. */
  writes: number;
  /** Called once `writes` is back to 0 (an actor waiting to read LMDB). */
  waiters: Array<() => void> | undefined;
}

/** Takes a change back from the view after its write failed (nothing of it was written). */
type Undo = () => void;

export class PendingRegistrations {
  private readonly users = new Map<string, PendingUser>();
  /** Called once no user has writes in flight (close()). */
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: PendingRegistrationsOptions) {}

  /** Users with writes in flight. */
  get size(): number {
    return this.users.size;
  }

  /** XEP-0357 §5: resolves (a refusal, or nothing) once the registration is durable. */
  enable(request: EnableRequest): Promise<UserReply> {
    const { user, pubsubJid, node } = request;
    const entry = this.entryOf(user);
    const key = localKey(pubsubJid, node);
    const existed = this.exists(user, entry, key, pubsubJid, node);
    const refusal = quotaRefusal(entry.count, !existed, this.options.maxRegistrations);
    if (refusal) return Promise.resolve(refusal);
    const undo = this.set(entry, key, existed, true);
    this.begin(user, entry);
    return this.options.store.put(user, registrationOf(request)).then(
      () => this.end(user, entry),
      (e: unknown) => {
        undo();
        this.end(user, entry);
        // A full store refuses the write: a reply (wait/resource-constraint), as the actor gives.
        if (isHeraldError(e, 'HERALD_STORE_FULL')) return toStanzaError(e);
        throw e;
      },
    );
  }

  /** XEP-0357 §6: resolves once the removal is durable; removing nothing succeeds. */
  disable(request: DisableRequest): Promise<UserReply> {
    const { user, pubsubJid, node } = request;
    const entry = this.entryOf(user);
    // With a node, that key (removed even if the view says it is absent: removing nothing is
    // fine); without, every registration on that pubsub JID.
    const nodes = node === undefined ? this.nodesOn(user, entry, pubsubJid) : [node];
    const undos = nodes.map((n) => {
      const key = localKey(pubsubJid, n);
      return this.set(entry, key, this.exists(user, entry, key, pubsubJid, n), false);
    });
    this.begin(user, entry);
    return Promise.all(nodes.map((n) => this.options.store.remove(user, pubsubJid, n))).then(
      () => this.end(user, entry),
      (e: unknown) => {
        // Some removals may have failed: the view keeps them, as LMDB may.
        for (const undo of undos) undo();
        this.end(user, entry);
        throw e;
      },
    );
  }

  /**
   * Records that `key` will exist (or not) and counts it; the undo restores what was there, unless
   * a later change of the key has taken over (its own count assumed this one's write). Two failed
   * writes of one key in flight together can leave the count one too high until they settle: at
   * worst a spurious quota refusal, while the store refuses writes anyway.
   */
  private set(entry: PendingUser, key: string, existed: boolean, exists: boolean): Undo {
    const previous = entry.keys.get(key);
    const state: KeyState = { exists };
    entry.keys.set(key, state);
    const delta = Number(exists) - Number(existed);
    entry.count += delta;
    return () => {
      if (entry.keys.get(key) !== state) return;
      if (previous) entry.keys.set(key, previous);
      else entry.keys.delete(key);
      entry.count -= delta;
    };
  }

  private exists(user: string, entry: PendingUser, key: string, pubsubJid: string, node: string): boolean {
    const state = entry.keys.get(key);
    if (state) return state.exists;
    return !entry.storeEmpty && this.options.store.has(user, pubsubJid, node);
  }

  /** The nodes the user will have on `pubsubJid`: LMDB's, changed by the writes in flight. */
  private nodesOn(user: string, entry: PendingUser, pubsubJid: string): string[] {
    const nodes = this.options.store.nodesOn(user, pubsubJid).filter((n) => entry.keys.get(localKey(pubsubJid, n))?.exists !== false);
    for (const [key, state] of entry.keys) {
      if (!state.exists) continue;
      const registration = splitLocalKey(key);
      if (registration.pubsubJid === pubsubJid && !nodes.includes(registration.node)) nodes.push(registration.node);
    }
    return nodes;
  }

  /** Whether `user` will have registrations once its writes here are durable; undefined when it has none in flight. */
  hasAny(user: string): boolean | undefined {
    const entry = this.users.get(user);
    return entry && entry.count > 0;
  }

  /** Resolves once `user` has no write in flight here; undefined when it has none now. */
  settled(user: string): Promise<void> | undefined {
    const entry = this.users.get(user);
    if (!entry) return undefined;
    return new Promise((resolve) => (entry.waiters ??= []).push(resolve));
  }

  /** Resolves once no write is in flight here. */
  idle(): Promise<void> {
    if (this.users.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private entryOf(user: string): PendingUser {
    const entry = this.users.get(user);
    if (!entry) {
      const count = this.options.store.countFor(user);
      return { count, keys: new Map(), storeEmpty: count === 0, writes: 0, waiters: undefined };
    }
    if (entry.writes >= this.options.maxPendingPerUser) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `${user} has ${entry.writes} push changes in flight`);
    }
    return entry;
  }

  private begin(user: string, entry: PendingUser): void {
    if (entry.writes++ === 0) this.users.set(user, entry);
  }

  private end(user: string, entry: PendingUser): undefined {
    if (--entry.writes > 0) return undefined;
    this.users.delete(user);
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters) for (const resolve of waiters) resolve();
    if (this.users.size === 0 && this.idleWaiters.length > 0) {
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
    return undefined;
  }
}
