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

interface PendingUser {
  /**
   * `localKey` (pubsub JID, node) of each registration the user will have once every write in
   * flight is durable. Keys only: the quota, a disable and `hasAny` need no more.
   */
  keys: string[];
  /** Writes issued and not yet settled. */
  writes: number;
  /** Called once `writes` is back to 0 (an actor waiting to read LMDB). */
  waiters: Array<() => void> | undefined;
}

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
    const { user } = request;
    const entry = this.entryOf(user);
    const key = localKey(request.pubsubJid, request.node);
    const isNew = !entry.keys.includes(key);
    const refusal = quotaRefusal(entry.keys.length, isNew, this.options.maxRegistrations);
    if (refusal) return Promise.resolve(refusal);
    if (isNew) entry.keys.push(key);
    this.begin(user, entry);
    return this.options.store.put(user, registrationOf(request)).then(
      () => this.end(user, entry),
      (e: unknown) => {
        // Nothing was written: a new key goes from the view again (a replaced one is still stored).
        if (isNew) remove(entry.keys, key);
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
    // Without node, every registration on that pubsub JID; with one, that key even if the view
    // does not hold it (removing nothing is fine).
    const removed = node === undefined ? entry.keys.filter((key) => splitLocalKey(key).pubsubJid === pubsubJid) : [localKey(pubsubJid, node)];
    for (const key of removed) remove(entry.keys, key);
    this.begin(user, entry);
    const writes = Promise.all(
      removed.map((key) => {
        const registration = splitLocalKey(key);
        return this.options.store.remove(user, registration.pubsubJid, registration.node);
      }),
    );
    return writes.then(
      () => this.end(user, entry),
      (e: unknown) => {
        // Some removals may have failed: the view keeps them, as LMDB may.
        for (const key of removed) if (!entry.keys.includes(key)) entry.keys.push(key);
        this.end(user, entry);
        throw e;
      },
    );
  }

  /** Whether `user` will have registrations once its writes here are durable; undefined when it has none in flight. */
  hasAny(user: string): boolean | undefined {
    const entry = this.users.get(user);
    return entry && entry.keys.length > 0;
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
    if (!entry) return { keys: this.options.store.localKeysOf(user), writes: 0, waiters: undefined };
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

function remove(keys: string[], key: string): void {
  const at = keys.indexOf(key);
  if (at !== -1) keys.splice(at, 1);
}
