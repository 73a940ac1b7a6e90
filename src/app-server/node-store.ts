/**
 * Push nodes in LMDB (named database `app-server-nodes`): node name → PushNodeRecord.
 *
 * Reads are synchronous (LMDB reads are memory-mapped lookups). Writes resolve once their
 * transaction is synced (lmdb-js batches the writes of one event-loop turn into one commit,
 * see store/lmdb-store.ts), so an IQ result is sent only after the node is on disk.
 * Only the node's own actor writes its record, so no write races another for the same key.
 */
import type { Database } from 'lmdb';
import { HeraldError } from '../core/errors.js';
import type { HeraldStore } from '../store/lmdb-store.js';

/** XEP-0060 §4.1 affiliations a push node knows; `none` is the absence of an entry. */
export type NodeAffiliation = 'owner' | 'publish-only';

export interface PushNodeRecord {
  /** Bare JID of the creator (XEP-0060 §8.1: the creator is the owner). */
  owner: string;
  type: 'push';
  /** Creation time, ms since the epoch. */
  createdAt: number;
  /** Bare JID → affiliation; always holds the owner. */
  affiliations: Record<string, NodeAffiliation>;
}

export const NODE_DATABASE = 'app-server-nodes';

/**
 * LMDB refuses keys above 1978 bytes (its default maximum key size); node names are chosen by
 * clients, so a much smaller bound keeps keys valid and error texts short.
 */
export const MAX_NODE_NAME_BYTES = 1_024;

export class PushNodeStore {
  private readonly db: Database<PushNodeRecord, string>;

  constructor(store: HeraldStore) {
    this.db = store.database<PushNodeRecord>(NODE_DATABASE);
  }

  get(node: string): PushNodeRecord | undefined {
    try {
      return this.db.get(node);
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `reading push node: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Resolves once the record is durable. */
  async put(node: string, record: PushNodeRecord): Promise<void> {
    try {
      await this.db.put(node, record);
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `writing push node: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Resolves once the removal is durable. */
  async remove(node: string): Promise<void> {
    try {
      await this.db.remove(node);
    } catch (e) {
      throw new HeraldError('HERALD_STORE', `removing push node: ${(e as Error).message}`, { cause: e });
    }
  }
}
