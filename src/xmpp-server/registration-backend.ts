/**
 * What the XMPP Server role persists, whatever holds it: push registrations per user (XEP-0357
 * §5) and the unread counter (the badge). Two implementations: RegistrationStore (LMDB, one
 * process, the default) and PostgresRegistrations (shared by several Herald instances).
 *
 * Every write resolves only once durable (LMDB: committed and synced; PostgreSQL: committed).
 * Reads may answer at once (LMDB reads its memory map) or later (PostgreSQL): `Awaitable`.
 */
import type { Awaitable } from '../store/awaitable.js';
import type { Registration } from './registration.js';

export type { Awaitable };

export interface RegistrationBackend {
  /**
   * Whether several Herald instances share this store (PostgreSQL). Only then can one message be
   * handed to two instances, and only then does `claimMessage` remember anything.
   */
  readonly sharedAcrossInstances: boolean;
  /** Stores (or replaces) the registration of `user` on (its pubsub JID, its node). */
  put(user: string, registration: Registration): Promise<void>;
  /**
   * Removes one registration; removing one that is not there succeeds (XEP-0357 §6). Answers
   * nothing: lmdb-js resolves a removal with true whether or not the key was there.
   */
  remove(user: string, pubsubJid: string, node: string): Promise<void>;
  /** Removes every registration of `user` on `pubsubJid` (XEP-0357 §6 disable without node); how many there were. */
  removeAllOn(user: string, pubsubJid: string): Promise<number>;
  /** Every registration of `user`, ordered by pubsub JID then node (code point order). */
  listFor(user: string): Awaitable<Registration[]>;
  /** Whether `user` has a registration on (pubsub JID, node). */
  has(user: string, pubsubJid: string, node: string): Awaitable<boolean>;
  /** The nodes of `user`'s registrations on `pubsubJid`, in code point order. */
  nodesOn(user: string, pubsubJid: string): Awaitable<string[]>;
  /** Whether `user` has at least one registration (asked for every pushable message: keep it cheap). */
  hasAny(user: string): Awaitable<boolean>;
  /** How many registrations `user` has (`xmpp_server.max_registrations_per_user` counts these). */
  countFor(user: string): Awaitable<number>;
  /** Messages pushed to `user` since the user was last online. */
  unreadCount(user: string): Awaitable<number>;
  /**
   * One more unread message for `user`; resolves with the new count. Atomic: increments from
   * several actors or instances at once are all counted. `last`: the count the caller holds when
   * it is the counter's only writer (a store of one instance: the user's actor), so that LMDB
   * need not read it; a shared store ignores it.
   */
  incrementUnread(user: string, last?: number): Promise<number>;
  /** The user came online: the counter is back to 0. */
  resetUnread(user: string): Promise<void>;
  /**
   * Claims the push of the message `identity` to `user`: true for the first claim, false for every
   * later one while the claim is remembered (`store.postgres.seen_retention_ms`), whichever
   * instance made it. A store of one instance answers true: its user actor's de-dup window
   * (`xmpp_server.dedup_window`) is then the only place a message can be seen twice.
   */
  claimMessage(user: string, identity: string): Awaitable<boolean>;
  /**
   * A push's claim and badge at once, where a store answers later (PostgreSQL: one statement
   * instead of two round trips): as `claimMessage`, then, when granted, `incrementUnread`.
   * Resolves with the new count, or undefined when the claim was refused (a duplicate). Absent
   * where `claimMessage` answers at once (LMDB): the user actor then calls the two itself.
   */
  claimAndCount?(user: string, identity: string): Promise<number | undefined>;
  /**
   * Forgets the claims older than `retentionMs`; how many. One statement by age, harmless when
   * several instances sweep at once. Absent where claims are not remembered.
   */
  forgetClaims?(retentionMs: number): Promise<number>;
}
