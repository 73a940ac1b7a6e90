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
 *
 * Reads the backend answers later (PostgreSQL) are taken in turn per user: a change decides on
 * the view only once the reads of the changes before it are in, so the view stays in arrival
 * order. Reads LMDB answers at once decide on the caller's turn, as before.
 */
import { HeraldError, isHeraldError } from '../core/errors.js';
import { andThen, type Awaitable } from '../store/awaitable.js';
import { toStanzaError } from '../xmpp/stanza-error.js';
import type { DisableRequest } from './disable-request.js';
import type { EnableRequest } from './enable-request.js';
import { localKey, splitLocalKey } from './registration.js';
import { quotaRefusal, registrationOf } from './registration-change.js';
import type { RegistrationBackend } from './registration-backend.js';
import type { UserReply } from './user-actor.js';

export interface PendingRegistrationsOptions {
  store: RegistrationBackend;
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
  /** The last change still waiting for a read of the backend; the next one decides after it. */
  turn: Promise<unknown> | undefined;
  /** Changes arrived (deciding or written) and not yet settled. */
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
    const entry = this.begin(user);
    const key = localKey(pubsubJid, node);
    return this.inTurn(user, entry, () => this.exists(user, entry, key, pubsubJid, node), (existed) => {
      const refusal = quotaRefusal(entry.count, !existed, this.options.maxRegistrations);
      if (refusal) return Promise.resolve(this.end(user, entry, refusal));
      const undo = this.set(entry, key, existed, true);
      return this.settle(user, entry, [undo], this.options.store.put(user, registrationOf(request)));
    });
  }

  /** XEP-0357 §6: resolves once the removal is durable; removing nothing succeeds. */
  disable(request: DisableRequest): Promise<UserReply> {
    const { user, pubsubJid, node } = request;
    const entry = this.begin(user);
    // With a node, that key (removed even if the view says it is absent: removing nothing is
    // fine); without, every registration on that pubsub JID.
    const nodesRead = (): Awaitable<Array<[string, boolean]>> =>
      andThen(node === undefined ? this.nodesOn(user, entry, pubsubJid) : [node], (nodes) =>
        allOf(nodes.map((n) => andThen(this.exists(user, entry, localKey(pubsubJid, n), pubsubJid, n), (existed) => [n, existed] as [string, boolean]))),
      );
    return this.inTurn(user, entry, nodesRead, (nodes) => {
      const undos = nodes.map(([n, existed]) => this.set(entry, localKey(pubsubJid, n), existed, false));
      return this.settle(user, entry, undos, Promise.all(nodes.map(([n]) => this.options.store.remove(user, pubsubJid, n))));
    });
  }

  /**
   * The change settles with its write. A failed write takes its changes back from the view (some
   * removals of a disable may have failed: the view keeps them, as the store may). A method of
   * its own, so that what waits for the commit holds these few values, not the parsed request.
   */
  private settle(user: string, entry: PendingUser, undos: Undo[], write: Promise<unknown>): Promise<UserReply> {
    return write.then(
      () => this.end(user, entry),
      (e: unknown) => {
        for (const undo of undos) undo();
        this.end(user, entry);
        // A full store refuses the write: a reply (wait/resource-constraint), as the actor gives.
        if (isHeraldError(e, 'HERALD_STORE_FULL')) return toStanzaError(e);
        throw e;
      },
    );
  }

  /**
   * Reads (`read`), then decides and writes (`decide`) once the user's earlier changes have read:
   * on this turn when nothing is waiting and the read answers at once. A failed read settles
   * the change (rejected) and lets the next one go on.
   */
  private inTurn<T>(user: string, entry: PendingUser, read: () => Awaitable<T>, decide: (value: T) => Promise<UserReply>): Promise<UserReply> {
    let value: Awaitable<T>;
    if (entry.turn === undefined) {
      try {
        value = read();
      } catch (e) {
        return this.failed(user, entry, e);
      }
      if (!(value instanceof Promise)) return decide(value);
    } else {
      value = entry.turn.then(read);
    }
    // `decide` is chained before the next change's read, so it runs first.
    const decided = value.then(decide, (e: unknown) => this.failed(user, entry, e));
    const turn = value.catch(() => undefined);
    entry.turn = turn;
    void turn.then(() => {
      if (entry.turn === turn) entry.turn = undefined;
    });
    return decided;
  }

  /** A change whose read failed: settled, rejected with the failure. */
  private failed(user: string, entry: PendingUser, e: unknown): Promise<never> {
    this.end(user, entry);
    return Promise.reject(e);
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

  private exists(user: string, entry: PendingUser, key: string, pubsubJid: string, node: string): Awaitable<boolean> {
    const state = entry.keys.get(key);
    if (state) return state.exists;
    if (entry.storeEmpty) return false;
    return this.options.store.has(user, pubsubJid, node);
  }

  /** The nodes the user will have on `pubsubJid`: the store's, changed by the writes in flight. */
  private nodesOn(user: string, entry: PendingUser, pubsubJid: string): Awaitable<string[]> {
    return andThen(this.options.store.nodesOn(user, pubsubJid), (stored) => {
      const nodes = stored.filter((n) => entry.keys.get(localKey(pubsubJid, n))?.exists !== false);
      for (const [key, state] of entry.keys) {
        if (!state.exists) continue;
        const registration = splitLocalKey(key);
        if (registration.pubsubJid === pubsubJid && !nodes.includes(registration.node)) nodes.push(registration.node);
      }
      return nodes;
    });
  }

  /** Whether `user` will have registrations once its writes here are durable; undefined when it has none in flight. */
  hasAny(user: string): boolean | undefined {
    const entry = this.users.get(user);
    // Still reading the store's count: the store answers, as if nothing were in flight.
    return entry && entry.turn === undefined ? entry.count > 0 : undefined;
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

  /**
   * The user's entry, counting one more change in flight (refused with HERALD_MAILBOX_FULL beyond
   * the cap). A new entry reads the store's count of the user first: the first turn.
   */
  private begin(user: string): PendingUser {
    let entry = this.users.get(user);
    if (!entry) {
      entry = { count: 0, keys: new Map(), storeEmpty: false, turn: undefined, writes: 0, waiters: undefined };
      const counted = this.options.store.countFor(user);
      if (counted instanceof Promise) entry.turn = counted.then((count) => setCount(entry!, count));
      else setCount(entry, counted);
      this.users.set(user, entry);
    } else if (entry.writes >= this.options.maxPendingPerUser) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `${user} has ${entry.writes} push changes in flight`);
    }
    entry.writes++;
    return entry;
  }

  /** One change of the user settled; `reply` passes through. */
  private end(user: string, entry: PendingUser, reply?: UserReply): UserReply {
    if (--entry.writes > 0) return reply;
    this.users.delete(user);
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters) for (const resolve of waiters) resolve();
    if (this.users.size === 0 && this.idleWaiters.length > 0) {
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
    return reply;
  }
}

/** Every value, at once when each is already there. */
function allOf<T>(values: Array<Awaitable<T>>): Awaitable<T[]> {
  return values.some((v) => v instanceof Promise) ? Promise.all(values) : (values as T[]);
}

/** What the store counted of the entry's user. */
function setCount(entry: PendingUser, count: number): void {
  entry.count = count;
  entry.storeEmpty = count === 0;
}
