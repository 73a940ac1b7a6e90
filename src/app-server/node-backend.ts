/**
 * What the App Server role persists, whatever holds it: push node records (owner, type,
 * creation time, affiliations, publish model, secret, registered device), the index of each
 * owner's nodes (`unregister-push` without a node, `app_server.max_nodes_per_owner`) and the key
 * registration node names are derived with. Two implementations: PushNodeStore (LMDB, one
 * process, the default) and PostgresNodes (shared by several Herald instances).
 *
 * Every write resolves only once durable (LMDB: committed and synced; PostgreSQL: committed).
 * Reads may answer at once (LMDB) or later (PostgreSQL): `Awaitable`.
 */
import type { Awaitable } from '../store/awaitable.js';
import type { PushNodeRecord } from './node-record.js';

/** The registration key's name among the service-wide values (LMDB `app-server-meta`, PostgreSQL `app_server_meta`). */
export const REGISTRATION_KEY = 'registration-node-key';
/**
 * Node names are chosen by clients: a bound far below every store's key limit (LMDB's 1978-byte
 * keys, PostgreSQL's 2704-byte btree entries) keeps keys valid and error texts short.
 */
export const MAX_NODE_NAME_BYTES = 1_024;
/** RFC 2104 §3: an HMAC key shorter than the hash output (32 bytes for SHA-256) weakens it. */
export const REGISTRATION_KEY_BYTES = 32;

export interface NodeBackend {
  /**
   * The key registration node names are derived with (registration-commands.ts): made on first
   * use, kept, and the same for every instance sharing the store, so a device maps to one node
   * whichever instance registers it and after restarts.
   */
  registrationKey(): Promise<Buffer>;
  /**
   * Whether a node of `owner` named `node` can be indexed under its owner, and so counted towards
   * `max_nodes_per_owner`: each store bounds its index keys (LMDB's key size, PostgreSQL's btree
   * entry size). The App Server refuses a node that cannot be (pubsub-errors.ts `ownerTooLong`).
   */
  ownerIndexFits(owner: string, node: string): boolean;
  /** The record of `node`; undefined when there is no such node. */
  get(node: string): Awaitable<PushNodeRecord | undefined>;
  /** The names of every node `owner` owns, in code point order. */
  nodesOf(owner: string): Awaitable<string[]>;
  /** How many nodes `owner` has, counted up to `limit` (never more than `limit` entries read). */
  countOf(owner: string, limit: number): Awaitable<number>;
  /**
   * Creates `node` unless it exists or its owner has `maxPerOwner` nodes already; resolves true
   * once written, false (nothing written) otherwise. Atomic: creates for one owner racing in
   * several actors or instances cannot overshoot the cap, and creates of one node racing in
   * several instances create it once.
   */
  createCapped(node: string, record: PushNodeRecord, maxPerOwner: number): Promise<boolean>;
  /**
   * Stores (or replaces) the record of `node`, indexed under its owner, whatever is stored: it
   * would bring back a node removed elsewhere, so the node actor rewrites by `replace`, never by this.
   */
  put(node: string, record: PushNodeRecord): Promise<void>;
  /**
   * Replaces the record of `node` with `next` only if the stored record still equals `expected`
   * (sameRecord, node-record.ts); resolves true once written, false (nothing written) when it does
   * not: another instance changed or removed the node since `expected` was read. Never creates a
   * node. Atomic: of two replaces from the same `expected`, at most one writes.
   */
  replace(node: string, expected: PushNodeRecord, next: PushNodeRecord): Promise<boolean>;
  /** Removes `node` and its entry in `owner`'s index; removing a node that is not there succeeds. */
  remove(node: string, owner: string): Promise<void>;
  /**
   * Removes `node` and its index entry only if the stored record still equals `expected`, as
   * `replace` writes; resolves true once removed, false (nothing removed) when it does not: a
   * node another instance changed, or removed and created again for someone else, is not removed
   * on the strength of a stale record.
   */
  removeIf(node: string, expected: PushNodeRecord): Promise<boolean>;
}
