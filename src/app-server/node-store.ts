/**
 * The LMDB NodeBackend (node-backend.ts), the embedded default.
 * Push nodes in LMDB (named database `app-server-nodes`): node name → PushNodeRecord, and an
 * index of each owner's nodes (`app-server-owner-nodes`: `owner \0 node` → 1) for
 * `unregister-push` without a node and for `app_server.max_nodes_per_owner`: an owner's nodes
 * are counted in that index (a range of at most the cap), never by scanning all nodes, and the
 * count survives restarts and follows deletions because record and index entry change together.
 *
 * Reads are synchronous (LMDB reads are memory-mapped lookups). Writes resolve once their
 * transaction is synced (lmdb-js batches the writes of one event-loop turn into one commit,
 * see store/lmdb-store.ts), so an IQ result is sent only after the node is on disk; a record and
 * its index entry are written in the same turn, so they commit together.
 * Only the node's own actor writes its record; its rewrites compare and write all the same (replace).
 */
import { randomBytes } from 'node:crypto';
import type { Database } from 'lmdb';
import { HeraldError, isHeraldError } from '../core/errors.js';
import { compositeKey, KEY_FORMATS_DB, migrateKeyFormat, prefixRange } from '../store/composite-key.js';
import type { HeraldStore } from '../store/lmdb-store.js';
import { REGISTRATION_KEY, REGISTRATION_KEY_BYTES, type NodeBackend } from './node-backend.js';
import { sameRecord, type PushNodeRecord } from './node-record.js';

/** The record's types are node-record.ts's; importers of the store find them here too. */
export type { NodeAffiliation, PublishModel, PushNodeRecord, RegisteredDevice } from './node-record.js';

export const NODE_DATABASE = 'app-server-nodes';
const OWNER_INDEX_DATABASE = 'app-server-owner-nodes';
/** Service-wide values: the key registration node names are derived with. */
const META_DATABASE = 'app-server-meta';

/**
 * LMDB refuses keys above 1978 bytes (its default maximum key size): node names are at most
 * MAX_NODE_NAME_BYTES (node-backend.ts), and an index key is a bare JID (≤ 2 × 1023 bytes,
 * RFC 7622 §3) plus a node name, so owners whose key would not fit are refused new nodes.
 */
/** lmdb-js's default maxKeySize (1978) less one byte: a prefix-range end is the prefix plus one character. */
const LMDB_MAX_KEY_BYTES = 1_978 - 1;

export class PushNodeStore implements NodeBackend {
  private readonly db: Database<PushNodeRecord, string>;
  private readonly byOwner: Database<1, string>;
  private readonly meta: Database<Uint8Array, string>;

  constructor(store: HeraldStore) {
    this.db = store.database<PushNodeRecord>(NODE_DATABASE);
    this.byOwner = store.database<1>(OWNER_INDEX_DATABASE);
    this.meta = store.database<Uint8Array>(META_DATABASE);
    migrateKeyFormat(OWNER_INDEX_DATABASE, this.byOwner, store.database<number>(KEY_FORMATS_DB));
  }

  /**
   * The key registration node names are derived with (registration-commands.ts), made on first
   * use and kept: the same device must map to the same node after a restart. Callers must not
   * race two first uses (the App Server memoises the promise).
   */
  async registrationKey(): Promise<Buffer> {
    try {
      const stored = this.meta.get(REGISTRATION_KEY);
      if (stored) return Buffer.from(stored);
      const key = randomBytes(REGISTRATION_KEY_BYTES);
      await this.meta.put(REGISTRATION_KEY, key);
      return key;
    } catch (e) {
      if (isHeraldError(e, 'HERALD_STORE_FULL')) throw e;
      throw new HeraldError('HERALD_STORE', `registration key: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * False only for owners whose bare JID alone is over ~950 bytes with the longest node names
   * (RFC 7622 allows 2 047): new nodes of such owners are refused.
   */
  ownerIndexFits(owner: string, node: string): boolean {
    return indexKeyFits(indexKey(owner, node));
  }

  get(node: string): PushNodeRecord | undefined {
    try {
      return this.db.get(node);
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `reading push node: ${(e as Error).message}`, { cause: e });
    }
  }

  /** The names of every node `owner` owns (synchronous read). */
  nodesOf(owner: string): string[] {
    const range = prefixRange(owner);
    if (!indexKeyFits(range.start)) return [];
    try {
      return [...this.byOwner.getKeys(range)].map((key) => key.slice(range.start.length));
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `reading owner index: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * How many nodes `owner` has, counted up to `limit` (a range read of at most `limit` index
   * keys: an owner left with more by an older version costs no more than one at the cap).
   */
  countOf(owner: string, limit: number): number {
    const range = prefixRange(owner);
    if (!indexKeyFits(range.start)) return 0;
    try {
      // Keys, not getCount: lmdb-js's getCount ignores `limit` and would walk the whole range.
      let count = 0;
      for (const _key of this.byOwner.getKeys({ ...range, limit })) count++;
      return count;
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `reading owner index: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Creates a node unless it exists or its owner has `maxPerOwner` nodes already; resolves true
   * once record and index entry are durable, false (nothing written) otherwise. The checks and
   * the writes are one LMDB transaction, and lmdb-js runs transaction callbacks one after the
   * other in its write transaction, so creates of one owner racing in different node actors
   * cannot overshoot the cap. The caller checks `ownerIndexFits` first: an unindexed node would
   * not be counted.
   */
  async createCapped(node: string, record: PushNodeRecord, maxPerOwner: number): Promise<boolean> {
    const key = indexKey(record.owner, node);
    if (!indexKeyFits(key)) throw new HeraldError('HERALD_STORE', 'owner index key longer than LMDB allows');
    try {
      return await this.db.transaction(() => {
        if (this.db.get(node) !== undefined || this.countOf(record.owner, maxPerOwner) >= maxPerOwner) return false;
        // Synchronous writes in the transaction: a refusal of the size guard (HERALD_STORE_FULL)
        // throws here and aborts the whole create, instead of rejecting a promise no one awaits.
        this.db.putSync(node, record);
        this.byOwner.putSync(key, 1);
        return true;
      });
    } catch (e) {
      if (e instanceof HeraldError) throw e;
      throw new HeraldError('HERALD_STORE', `creating push node: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Resolves once the record (and its owner index entry) is durable. */
  async put(node: string, record: PushNodeRecord): Promise<void> {
    try {
      const key = indexKey(record.owner, node);
      await Promise.all([this.db.put(node, record), indexKeyFits(key) ? this.byOwner.put(key, 1) : undefined]);
    } catch (e) {
      if (isHeraldError(e, 'HERALD_STORE_FULL')) throw e; // a refusal the roles answer, not a failure
      throw new HeraldError('HERALD_STORE', `writing push node: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Compare and write in one LMDB transaction (lmdb-js runs transaction callbacks one after the
   * other), so no other write of the node falls between them. Within one process only the node's
   * actor writes it, so a false here means the actor's record was stale all the same.
   */
  async replace(node: string, expected: PushNodeRecord, next: PushNodeRecord): Promise<boolean> {
    const key = indexKey(next.owner, node);
    const staleKey = expected.owner === next.owner ? undefined : indexKey(expected.owner, node);
    try {
      return await this.db.transaction(() => {
        if (!sameRecord(this.db.get(node), expected)) return false;
        // Synchronous writes, as in createCapped: a refusal of the size guard aborts the whole replace.
        this.db.putSync(node, next);
        if (staleKey !== undefined && indexKeyFits(staleKey)) this.byOwner.removeSync(staleKey);
        if (indexKeyFits(key)) this.byOwner.putSync(key, 1);
        return true;
      });
    } catch (e) {
      if (isHeraldError(e, 'HERALD_STORE_FULL')) throw e; // a refusal the roles answer, not a failure
      throw new HeraldError('HERALD_STORE', `replacing push node: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Compare and remove in one LMDB transaction, as `replace`. */
  async removeIf(node: string, expected: PushNodeRecord): Promise<boolean> {
    const key = indexKey(expected.owner, node);
    try {
      return await this.db.transaction(() => {
        if (!sameRecord(this.db.get(node), expected)) return false;
        this.db.removeSync(node);
        if (indexKeyFits(key)) this.byOwner.removeSync(key);
        return true;
      });
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `removing push node: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Resolves once the removal is durable. */
  async remove(node: string, owner: string): Promise<void> {
    try {
      const key = indexKey(owner, node);
      await Promise.all([this.db.remove(node), indexKeyFits(key) ? this.byOwner.remove(key) : undefined]);
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `removing push node: ${(e as Error).message}`, { cause: e });
    }
  }
}

function indexKey(owner: string, node: string): string {
  return compositeKey(owner, node);
}

function indexKeyFits(key: string): boolean {
  return Buffer.byteLength(key) <= LMDB_MAX_KEY_BYTES;
}
