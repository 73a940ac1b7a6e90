/**
 * Users known to have no Push 2.0 registration, on a store that answers later (PostgreSQL).
 *
 * Push 2.0 pushes a device whose own session is gone while the user's other sessions are on
 * (push2-matching.ts), so with it enabled a message to a user with an available session asks
 * the store whether the user has Push 2.0 registrations. LMDB answers from its memory map in
 * microseconds; PostgreSQL with a query per message — for most users, who never enabled Push
 * 2.0, the same "none" again and again. This remembers that "none", so such a user costs one
 * query until something changes, and forgets it:
 * - when this instance writes the user's registrations: before the write (reads after it may
 *   see it) and again once committed (a read that began before the commit may not);
 * - when another instance did (the change feed names the user), or changes may have been
 *   missed (the feed lost its connection: everyone is forgotten).
 * A read in flight while the user is forgotten is not remembered when it answers: it may
 * predate the change. So "none" is never remembered past a change this instance can know of,
 * and the staleness is the change feed's (postgres-change-feed.ts).
 *
 * Bounded at `xmpp_server.push2.users_without_cache` entries: the oldest is forgotten first.
 */
import type { Awaitable } from '../../store/awaitable.js';
import type { RegistrationBackend } from '../registration-backend.js';
import type { Registration } from '../registration.js';

/** A user's reads in flight, and whether the user was forgotten since the oldest began. */
interface Reads {
  count: number;
  forgotten: boolean;
}

export class UsersWithoutPush2 {
  /** Map for its insertion order: the first key is the oldest. */
  private readonly without = new Map<string, true>();
  private readonly reading = new Map<string, Reads>();

  constructor(private readonly maxUsers: number) {}

  /** Users remembered (for stats and tests). */
  get size(): number {
    return this.without.size;
  }

  /** Whether `user` has Push 2.0 registrations: remembered "none", or `read` (the user's Push 2.0 sessions). */
  hasAny(user: string, read: () => Awaitable<readonly unknown[]>): Awaitable<boolean> {
    if (this.without.has(user)) return false;
    const reads = this.reading.get(user) ?? { count: 0, forgotten: false };
    reads.count++;
    this.reading.set(user, reads);
    const done = (): void => {
      if (--reads.count === 0) this.reading.delete(user);
    };
    let answer: Awaitable<readonly unknown[]>;
    try {
      answer = read();
    } catch (e) {
      done();
      throw e;
    }
    return Promise.resolve(answer).then(
      (sessions) => {
        done();
        if (sessions.length === 0 && !reads.forgotten) this.remember(user);
        return sessions.length > 0;
      },
      (e: unknown) => {
        done();
        throw e;
      },
    );
  }

  /** `user`'s registrations change (or changed): read them again next time. */
  forget(user: string): void {
    this.without.delete(user);
    const reads = this.reading.get(user);
    if (reads) reads.forgotten = true;
  }

  /** Changes may have been missed: read everyone again. */
  forgetAll(): void {
    this.without.clear();
    for (const reads of this.reading.values()) reads.forgotten = true;
  }

  private remember(user: string): void {
    if (this.maxUsers === 0) return;
    if (this.without.size >= this.maxUsers) this.without.delete(this.without.keys().next().value!);
    this.without.set(user, true);
  }
}

/**
 * `store` whose writes make `users` forget the user they write: every write of this instance
 * goes through the store the role holds (user actors and pending-registrations.ts alike).
 */
export class ForgettingOnWrite implements RegistrationBackend {
  readonly sharedAcrossInstances: boolean;
  readonly claimAndCount?: RegistrationBackend['claimAndCount'];
  readonly forgetClaims?: RegistrationBackend['forgetClaims'];

  constructor(
    private readonly store: RegistrationBackend,
    private readonly users: UsersWithoutPush2,
  ) {
    this.sharedAcrossInstances = store.sharedAcrossInstances;
    if (store.claimAndCount) this.claimAndCount = store.claimAndCount.bind(store);
    if (store.forgetClaims) this.forgetClaims = store.forgetClaims.bind(store);
  }

  put(user: string, registration: Registration): Promise<void> {
    return this.around(user, () => this.store.put(user, registration));
  }
  remove(user: string, pubsubJid: string, node: string): Promise<void> {
    return this.around(user, () => this.store.remove(user, pubsubJid, node));
  }
  removeAllOn(user: string, pubsubJid: string): Promise<number> {
    return this.around(user, () => this.store.removeAllOn(user, pubsubJid));
  }
  listFor(user: string): Awaitable<Registration[]> {
    return this.store.listFor(user);
  }
  has(user: string, pubsubJid: string, node: string): Awaitable<boolean> {
    return this.store.has(user, pubsubJid, node);
  }
  nodesOn(user: string, pubsubJid: string): Awaitable<string[]> {
    return this.store.nodesOn(user, pubsubJid);
  }
  hasAny(user: string): Awaitable<boolean> {
    return this.store.hasAny(user);
  }
  countFor(user: string): Awaitable<number> {
    return this.store.countFor(user);
  }
  unreadCount(user: string): Awaitable<number> {
    return this.store.unreadCount(user);
  }
  incrementUnread(user: string, last?: number): Promise<number> {
    return this.store.incrementUnread(user, last);
  }
  resetUnread(user: string): Promise<void> {
    return this.store.resetUnread(user);
  }
  claimMessage(user: string, identity: string): Awaitable<boolean> {
    return this.store.claimMessage(user, identity);
  }

  /** Forgets before the write (a read after it may see it) and once it settled (a read begun before may not have). */
  private around<T>(user: string, write: () => Promise<T>): Promise<T> {
    this.users.forget(user);
    return write().finally(() => this.users.forget(user));
  }
}
