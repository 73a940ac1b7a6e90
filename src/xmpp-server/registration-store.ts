/**
 * Push registrations and unread counters in LMDB.
 *
 * Durability: every registration write resolves once the batched transaction holding it is
 * committed and synced to disk (store/durable-write.ts). Writes issued in the same event-loop
 * turn share one commit; nothing here opens a synchronous durable transaction.
 * Reads are synchronous (lmdb-js `get`/`getRange` read the memory map directly).
 */
import type { Database } from 'lmdb';
import { HeraldError } from '../core/errors.js';
import { KEY_FORMATS_DB, migrateKeyFormat } from '../store/composite-key.js';
import { DurableWrites } from '../store/durable-write.js';
import type { HeraldStore } from '../store/lmdb-store.js';
import type { RegistrationBackend } from './registration-backend.js';
import {
  keyFits,
  registrationKey,
  serviceRange,
  userRange,
  type Registration,
} from './registration.js';

/** Named LMDB databases of this role. */
export const REGISTRATIONS_DB = 'xmpp-server-registrations';
export const COUNTERS_DB = 'xmpp-server-counters';

export class RegistrationStore implements RegistrationBackend {
  /** One process: LMDB is never shared between Herald instances. */
  readonly sharedAcrossInstances = false;

  private readonly registrations: Database<Registration, string>;
  /** user bare JID → messages pushed since the user was last online (the badge). */
  private readonly counters: Database<number, string>;

  /** user → the last count written and not yet committed (reads see it before the commit). */
  private readonly uncommittedCounts = new Map<string, number>();

  private readonly writes: DurableWrites;

  constructor(store: HeraldStore) {
    this.writes = new DurableWrites(store);
    this.registrations = store.database<Registration>(REGISTRATIONS_DB);
    this.counters = store.database<number>(COUNTERS_DB);
    migrateKeyFormat(REGISTRATIONS_DB, this.registrations, store.database<number>(KEY_FORMATS_DB));
  }

  /** Stores (or replaces) one registration; resolves once it is durable. */
  put(user: string, registration: Registration): Promise<void> {
    const key = registrationKey(user, registration.pubsubJid, registration.node);
    if (!keyFits(key)) return Promise.reject(new HeraldError('HERALD_STORE', 'registration key longer than LMDB allows'));
    return this.writes.durable(this.registrations.put(key, registration));
  }

  /**
   * Removes one registration; resolves once the removal is durable. (No answer whether it was
   * there: lmdb-js resolves a removal with true either way.)
   */
  remove(user: string, pubsubJid: string, node: string): Promise<void> {
    const key = registrationKey(user, pubsubJid, node);
    if (!keyFits(key)) return Promise.resolve(); // such a key can never have been stored
    return this.writes.durable(this.registrations.remove(key));
  }

  /**
   * Removes every registration of `user` on `pubsubJid` (XEP-0357 §6 disable without node).
   * The removals are issued in one turn, so they commit in one transaction.
   */
  async removeAllOn(user: string, pubsubJid: string): Promise<number> {
    const range = serviceRange(user, pubsubJid);
    if (!keyFits(range.end)) return 0;
    const keys = [...this.registrations.getKeys(range)];
    await Promise.all(keys.map((key) => this.writes.durable(this.registrations.remove(key))));
    return keys.length;
  }

  /** Every registration of `user`, ordered by pubsub JID then node (synchronous read). */
  listFor(user: string): Registration[] {
    const range = userRange(user);
    if (!keyFits(range.end)) return [];
    return [...this.registrations.getRange(range)].map((entry) => entry.value);
  }

  /**
   * How many registrations `user` has (synchronous; lmdb-js counts keys without reading or
   * decoding them, ~2 µs, where a range read of the same user costs ~5 µs).
   */
  countFor(user: string): number {
    const range = userRange(user);
    if (!keyFits(range.end)) return 0;
    return this.registrations.getKeysCount(range);
  }

  /** Whether `user` has a registration on (pubsub JID, node) (synchronous). */
  has(user: string, pubsubJid: string, node: string): boolean {
    const key = registrationKey(user, pubsubJid, node);
    return keyFits(key) && this.registrations.doesExist(key);
  }

  /** The nodes of `user`'s registrations on `pubsubJid`, in key order (synchronous; keys only). */
  nodesOn(user: string, pubsubJid: string): string[] {
    const range = serviceRange(user, pubsubJid);
    if (!keyFits(range.end)) return [];
    const prefixLength = range.start.length;
    const nodes: string[] = [];
    for (const key of this.registrations.getKeys(range)) nodes.push((key as string).slice(prefixLength));
    return nodes;
  }

  /** Whether `user` has at least one registration (synchronous; a key count, as `countFor`). */
  hasAny(user: string): boolean {
    return this.countFor(user) > 0;
  }

  /**
   * True, always: with one instance a message reaches only this process's actor of the user,
   * whose de-dup window (user-actor.ts) already skips a message seen twice. Nothing is written.
   */
  claimMessage(): boolean {
    return true;
  }

  /** Messages pushed to `user` since the user was last online (counting the writes not yet committed). */
  unreadCount(user: string): number {
    if (!keyFits(user)) return 0;
    return this.uncommittedCounts.get(user) ?? this.counters.get(user) ?? 0;
  }

  /**
   * One more unread message; resolves with the new count once durable. Counted from the last
   * count written, committed or not, in one synchronous step: LMDB has one process writing it,
   * so increments issued at once are all counted, and each is a plain batched put (no write
   * transaction callback, which would hold LMDB's writer thread for a main-thread turn).
   *
   * With `last`, the caller is the counter's only writer (the user's actor): the count follows
   * from it with neither a read (one issued among a batch's writes costs ~5 µs, more than the
   * put) nor a record of the write, as no other increment of this counter can come meanwhile.
   */
  incrementUnread(user: string, last?: number): Promise<number> {
    if (!keyFits(user)) return Promise.resolve(0);
    if (last !== undefined) {
      const next = last + 1;
      return this.writes.durable(this.counters.put(user, next)).then(() => next);
    }
    const count = this.unreadCount(user) + 1;
    return this.writeCount(user, count).then(() => count);
  }

  /** The counter back to 0 (removed); resolves once durable. */
  resetUnread(user: string): Promise<void> {
    if (!keyFits(user)) return Promise.resolve();
    return this.writeCount(user, 0);
  }

  private writeCount(user: string, count: number): Promise<void> {
    this.uncommittedCounts.set(user, count);
    const written = count === 0 ? this.counters.remove(user) : this.counters.put(user, count);
    // Commits come in write order: once this one is in, LMDB holds the latest count unless a later write changed it.
    const committed = () => {
      if (this.uncommittedCounts.get(user) === count) this.uncommittedCounts.delete(user);
    };
    written.then(committed, committed);
    return this.writes.durable(written);
  }
}
