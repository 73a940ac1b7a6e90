/**
 * Push nodes in the PostgreSQL the Herald instances share (tables of store/postgres/schema-v2.ts).
 * Every write is one transaction and resolves after its COMMIT (store/postgres/postgres-pool.ts),
 * so a write that resolved is durable and visible to every instance.
 */
import { randomBytes } from 'node:crypto';
import type { PostgresPool } from '../store/postgres/postgres-pool.js';
import { REGISTRATION_KEY, REGISTRATION_KEY_BYTES, type NodeBackend } from './node-backend.js';
import type { PushNodeRecord } from './node-record.js';

/**
 * The first key of the two-key advisory locks that serialise one owner's creates (the second is
 * the hash of the owner's JID): "node" read as a 32-bit number, so Herald's locks stay apart from
 * another application's small integers on the same database. PostgreSQL keeps two-key locks
 * apart from one-key ones such as the migration lock (store/postgres/migrations.ts).
 */
export const OWNER_LOCK_CLASS = 0x6e6f6465;

/**
 * PostgreSQL refuses a btree entry over 2 704 bytes (a third of an 8 kB page, less headers:
 * "index row size exceeds btree version 4 maximum 2704"); an entry of app_server_nodes_by_owner
 * is owner + node plus their length headers and the tuple header, so 64 bytes are left for those.
 */
const MAX_OWNER_INDEX_ENTRY_BYTES = 2_704 - 64;

const UPSERT_NODE = `INSERT INTO app_server_nodes (node, owner, record) VALUES ($1, $2, $3)
  ON CONFLICT (node) DO UPDATE SET owner = EXCLUDED.owner, record = EXCLUDED.record`;

/**
 * jsonb equality ignores key order and whitespace, and pg sends the expected record through
 * JSON.stringify, which drops undefined fields as the stored record never had them: equal
 * records compare equal (node-record.ts sameRecord). A removed node has no row to update.
 */
const REPLACE_IF_UNCHANGED = `UPDATE app_server_nodes SET owner = $3, record = $4 WHERE node = $1 AND record = $2::jsonb`;

/** As REPLACE_IF_UNCHANGED compares. */
const REMOVE_IF_UNCHANGED = `DELETE FROM app_server_nodes WHERE node = $1 AND record = $2::jsonb`;

/** At most `limit` rows of the owner's index range are read, as LMDB reads at most `limit` keys. */
const COUNT_OF_OWNER = `SELECT count(*)::integer AS count
  FROM (SELECT 1 FROM app_server_nodes WHERE owner = $1 LIMIT $2) AS capped`;

export class PostgresNodes implements NodeBackend {
  constructor(private readonly pool: PostgresPool) {}

  /**
   * The first instance to ask stores a new key; a racing instance's insert does nothing, and
   * every instance reads back the one that was stored.
   */
  async registrationKey(): Promise<Buffer> {
    await this.pool.query('INSERT INTO app_server_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      REGISTRATION_KEY,
      randomBytes(REGISTRATION_KEY_BYTES),
    ]);
    const { rows } = await this.pool.query<{ value: Buffer }>('SELECT value FROM app_server_meta WHERE key = $1', [REGISTRATION_KEY]);
    return rows[0]!.value;
  }

  readonly readsAreLocal = false;

  /** Owner and node name share one entry of the owner index (schema-v2.ts). */
  ownerIndexFits(owner: string, node: string): boolean {
    return Buffer.byteLength(owner) + Buffer.byteLength(node) <= MAX_OWNER_INDEX_ENTRY_BYTES;
  }

  async get(node: string): Promise<PushNodeRecord | undefined> {
    const { rows } = await this.pool.query<{ record: PushNodeRecord }>('SELECT record FROM app_server_nodes WHERE node = $1', [node]);
    return rows[0]?.record;
  }

  async nodesOf(owner: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ node: string }>('SELECT node FROM app_server_nodes WHERE owner = $1 ORDER BY node', [owner]);
    return rows.map((row) => row.node);
  }

  async countOf(owner: string, limit: number): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(COUNT_OF_OWNER, [owner, limit]);
    return rows[0]!.count;
  }

  /**
   * One call of herald_create_node (store/postgres/schema-v5.ts), its own transaction: it takes
   * the owner's advisory lock (released at its COMMIT), so creates for one owner, from any
   * instance, count and insert one after the other, and each count sees every create committed
   * before it. The node's primary key decides between creates of one node (of any owners): the
   * one that inserts nothing answers false.
   */
  async createCapped(node: string, record: PushNodeRecord, maxPerOwner: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ outcome: string }>('SELECT herald_create_node($1, $2, $3, $4, $5) AS outcome', [
      node,
      record.owner,
      record,
      maxPerOwner,
      OWNER_LOCK_CLASS,
    ]);
    return rows[0]!.outcome === 'created';
  }

  async put(node: string, record: PushNodeRecord): Promise<void> {
    await this.pool.query(UPSERT_NODE, [node, record.owner, record]);
  }

  async replace(node: string, expected: PushNodeRecord, next: PushNodeRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(REPLACE_IF_UNCHANGED, [node, expected, next.owner, next]);
    return rowCount === 1;
  }

  async removeIf(node: string, expected: PushNodeRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(REMOVE_IF_UNCHANGED, [node, expected]);
    return rowCount === 1;
  }

  /** The owner index is the row's owner column: deleting the row removes its index entry. */
  async remove(node: string, _owner: string): Promise<void> {
    await this.pool.query('DELETE FROM app_server_nodes WHERE node = $1', [node]);
  }
}
